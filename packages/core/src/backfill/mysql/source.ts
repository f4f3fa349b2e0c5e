import type { Database } from '../../db.js';
import { quoteIdent } from '../../dialects/quote.js';
import { requireTableColumn } from '../../dialects/table-ref.js';
import type { BackfillSource, RowTransform } from '../types.js';
import { readMysqlTable } from './catalog.js';
import { applyMysqlJsTransform } from './js-batch.js';
import { mysqlKeysetSource } from './keyset.js';

export interface MysqlSourceSpec {
  readonly table: string;
  readonly schema?: string;
  /** column → SQL expression, evaluated by the server per row. */
  readonly set: Readonly<Record<string, string>>;
  readonly where?: string;
  readonly transform?: RowTransform;
  readonly lockTimeoutMs: number;
}

/**
 * The InnoDB backfill source: keyset batches (keyset.ts), each one range UPDATE that locks
 * exactly the batch's rows (and rows inserted into the range since, which get the same
 * expressions), committed with the checkpoint.
 */
export async function mysqlSource(db: Database, spec: MysqlSourceSpec): Promise<BackfillSource> {
  const info = await db.withSession((s) =>
    readMysqlTable(s, { name: spec.table, ...(spec.schema ? { schema: spec.schema } : {}) }),
  );
  for (const column of Object.keys(spec.set)) requireTableColumn(info, column, 'backfill', 'mysql');
  const assignments = Object.entries(spec.set)
    .map(([column, sql]) => `${quoteIdent('mysql', column)} = (${sql})`)
    .join(', ');
  const transform = spec.transform;
  return mysqlKeysetSource(db, info, {
    lockTimeoutMs: spec.lockTimeoutMs,
    async write(session, range, params) {
      if (transform) return applyMysqlJsTransform(session, info, range, params, spec.where, transform);
      await session.query(
        `update ${info.sql} set ${assignments} where ${range}${spec.where ? ` and (${spec.where})` : ''}`,
        params,
      );
      const [count] = await session.query<{ n: number }>('select row_count() as n');
      return Number(count?.n ?? 0);
    },
  });
}
