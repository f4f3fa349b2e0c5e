import type { Session } from '../../db.js';
import { quoteIdent } from '../../dialects/quote.js';
import { requireTableColumn } from '../../dialects/table-ref.js';
import type { RowTransform } from '../types.js';
import type { MysqlTableInfo } from './catalog.js';

const MATCH = '__ballast_match';

/**
 * The JS path on InnoDB, inside the batch's transaction: the batch's rows are read `FOR UPDATE`
 * in key order (so no application write can slip between the read and the write), the transform
 * runs per row, and each changed row is written back by primary key. Rows the spec's `where`
 * excludes are locked and skipped.
 */
export async function applyMysqlJsTransform(
  session: Session,
  info: MysqlTableInfo,
  range: string,
  params: readonly unknown[],
  where: string | undefined,
  transform: RowTransform,
): Promise<number> {
  const keys = info.key.map((k) => quoteIdent('mysql', k));
  const match = where ? `coalesce((${where}), false)` : 'true';
  const rows = await session.query<Record<string, unknown>>(
    `select ${info.sql}.*, ${match} as ${MATCH} from ${info.sql}
      where ${range} order by ${keys.join(', ')} for update`,
    params,
  );
  let changed = 0;
  for (const row of rows) {
    if (!Number(row[MATCH])) continue;
    const plain = Object.fromEntries(Object.entries(row).filter(([name]) => name !== MATCH));
    const changes = await transform(plain);
    if (!changes || Object.keys(changes).length === 0) continue;
    const columns = Object.keys(changes);
    for (const column of columns) requireTableColumn(info, column, 'backfill', 'mysql');
    await session.query(
      `update ${info.sql} set ${columns.map((c) => `${quoteIdent('mysql', c)} = ?`).join(', ')}
        where ${keys.map((k) => `${k} = ?`).join(' and ')}`,
      [...columns.map((c) => mysqlValue(changes[c])), ...info.key.map((k) => row[k])],
    );
    changed++;
  }
  return changed;
}

/** Objects and arrays (not dates or buffers) are JSON documents; the rest is bound as it is. */
function mysqlValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date || Buffer.isBuffer(value) || typeof value !== 'object') return value;
  return JSON.stringify(value);
}
