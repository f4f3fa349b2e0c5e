import { mysqlKeysetSource } from '../backfill/mysql/keyset.js';
import type { BackfillSource } from '../backfill/types.js';
import type { Database } from '../db.js';
import { quoteIdent, quoteQualified } from '../dialects/quote.js';
import type { CopyTable } from './preflight.js';

/**
 * The copy on core's keyset batches: each batch share-locks its key range, then
 * `INSERT IGNORE INTO shadow … SELECT … FROM table WHERE <key range> LOCK IN SHARE MODE`,
 * committed with its checkpoint. The shared locks
 * hold the batch's rows still while they are copied, so a row deleted meanwhile cannot be copied
 * after its trigger removed it; IGNORE leaves rows the triggers already wrote (newer) alone.
 */
export function copySource(
  db: Database,
  table: CopyTable,
  shadow: string,
  columns: readonly string[],
  lockTimeoutMs: number,
): BackfillSource {
  const sql = quoteQualified('mysql', { schema: table.schema, name: table.name });
  const into = quoteQualified('mysql', { schema: table.schema, name: shadow });
  const list = columns.map((c) => quoteIdent('mysql', c)).join(', ');
  const info = {
    label: `${table.schema}.${table.name}`,
    sql,
    table: { name: table.name, schema: table.schema },
    key: table.key,
    columnTypes: new Map<string, string>(),
  };
  return mysqlKeysetSource(db, info, {
    lockTimeoutMs,
    async write(session, range, params) {
      // Every source row of the batch is share-locked before the first shadow row is written: the
      // batch then never waits on a writer while holding shadow rows a writer's trigger needs (the
      // deadlock pt-online-schema-change's chunks hit, whose victim is the application's write).
      await session.query(`select count(*) from ${sql} where ${range} lock in share mode`, params);
      await session.query(
        `insert ignore into ${into} (${list}) select ${list} from ${sql} where ${range} lock in share mode`,
        params,
      );
      const [count] = await session.query<{ n: number }>('select row_count() as n');
      return Number(count?.n ?? 0);
    },
  });
}
