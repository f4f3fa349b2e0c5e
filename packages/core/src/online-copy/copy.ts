import { mysqlKeysetSource } from '../backfill/mysql/keyset.js';
import type { BackfillSource } from '../backfill/types.js';
import type { Database, Session } from '../db.js';
import { quoteIdent, quoteQualified } from '../dialects/quote.js';
import { compareRange, mismatch, RANGE_ALIAS } from './checksum.js';
import type { CopyTable } from './preflight.js';

/**
 * The copy on core's keyset batches. Each batch is one transaction: it share-locks its key range
 * while finding the range's end (keyset.ts), runs
 * `INSERT IGNORE INTO shadow … SELECT … FROM table WHERE <key range> LOCK IN SHARE MODE`,
 * compares the range in both tables (row count, and the values of the redefined columns), and
 * advances its checkpoint.
 * Every source row of the batch is share-locked before the first shadow row is written: the
 * batch never waits on a writer while holding shadow rows a writer's trigger needs (the deadlock
 * pt-online-schema-change's chunks hit, whose victim is the application's write), and no row of
 * the range can change until the batch commits, so a row deleted meanwhile cannot be copied after
 * its trigger removed it, and the comparison sees the range as the batch left it. IGNORE leaves
 * rows the triggers already wrote (newer) alone.
 */
export function copySource(
  db: Database,
  table: CopyTable,
  shadow: string,
  columns: readonly string[],
  options: {
    readonly lockTimeoutMs: number;
    /** The columns whose values each batch compares (preflight.ts columnsToCompare), or false: none. */
    readonly verify: readonly string[] | false;
    readonly onCompared: (rows: number) => void;
    /**
     * The sessions take gap locks (REPEATABLE READ, SERIALIZABLE): no row can enter a batch's
     * range until it commits, so the rows its lookup locked are the table's rows in the range.
     * Under READ COMMITTED the table's rows are counted in the comparison's own statement.
     */
    readonly gapLocks: boolean;
  },
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
    lockTimeoutMs: options.lockTimeoutMs,
    alias: RANGE_ALIAS,
    shareLock: true,
    async write(session, range, params, rows) {
      await session.query(
        `insert ignore into ${into} (${list}) select ${list} from ${sql} ${RANGE_ALIAS} where ${range} lock in share mode`,
        params,
      );
      // Read before any statement that uses a table clears them.
      const [w] = await session.query<{ n: number; x: number }>(
        'select row_count() as n, @@warning_count as x',
      );
      const written = Number(w?.n ?? 0);
      if (!options.verify) return written;
      const n = table.key.length;
      const from = params.length > n ? `after (${params.slice(0, n).join(', ')}) ` : 'from the first ';
      const keys = `${from}up to (${params.slice(-n).join(', ')})`;
      // The range is share-locked since its end was found: it holds `rows` rows of the table.
      const held = options.gapLocks ? rows : undefined;
      const compared = await compareRange(session, table, shadow, options.verify, range, params, keys, held);
      // IGNORE turns each skipped duplicate (a row a trigger wrote first) into a warning, and also
      // each value the new type truncated, rounded or could not store: those are the rest.
      const converted = Number(w?.x ?? 0) - (compared - written);
      if (converted > 0) {
        throw mismatch(
          table,
          shadow,
          `for keys ${keys}: ${converted} value(s) changed on the way in (truncated, rounded or out of range: the INSERT's warnings)`,
        );
      }
      options.onCompared(compared);
      return written;
    },
  });
}

/** Whether this session's transactions take gap locks (REPEATABLE READ or SERIALIZABLE). */
export async function takesGapLocks(session: Session): Promise<boolean> {
  // MySQL 8 and MariaDB 11.1+ name it transaction_isolation; MariaDB before 11.1, tx_isolation.
  const [row] = await session
    .query<{ i: string }>('select @@session.transaction_isolation as i')
    .catch(() => session.query<{ i: string }>('select @@session.tx_isolation as i'));
  return /^(REPEATABLE-READ|SERIALIZABLE)$/i.test(row?.i ?? '');
}
