import type { Database } from '../db.js';
import type { KeyColumn } from '../dialects/postgres/introspect.js';
import { qi } from '../dialects/quote.js';
import { InvalidArgumentError } from '../errors.js';
import { type ProgressReporter, silentProgress } from '../report/progress.js';

export interface KeysetCopyOptions {
  /** Rows per batch (each batch is its own short transaction). Default 5000. */
  readonly batchSize?: number;
  readonly progress?: ProgressReporter;
}

export interface KeysetCopy {
  readonly operation: string;
  readonly target: string;
  /** Relation read in key order (quoted, possibly qualified). */
  readonly from: string;
  readonly keys: readonly KeyColumn[];
  /** Extra columns selected into `batch` besides the keys (quoted SQL expressions with aliases). */
  readonly columns: readonly string[];
  /** A data-modifying statement that reads the CTE `batch`, e.g. `insert into x select * from batch`. */
  readonly write: string;
  readonly total?: number | undefined;
}

/**
 * Walks `from` in primary-key order, `batchSize` rows at a time, handing each batch to `write`
 * in the same statement (a CTE), so every batch is one short autocommitted statement and no
 * long transaction holds back vacuum. Returns the number of rows seen.
 */
export async function copyInKeyBatches(
  db: Database,
  copy: KeysetCopy,
  options: KeysetCopyOptions = {},
): Promise<number> {
  const size = options.batchSize ?? 5000;
  if (!Number.isInteger(size) || size <= 0)
    throw new InvalidArgumentError([
      { argument: 'backup options.batchSize', given: String(size), allowed: 'a positive integer' },
    ]);
  const progress = options.progress ?? silentProgress;
  const keyList = copy.keys.map((k) => qi(k.name)).join(', ');
  const selectList = [keyList, ...copy.columns].join(', ');
  // The outer ORDER BY qualifies the keys with `batch.`: unqualified, a key column named like an
  // output alias (`k0`, `ballast_rows`) would sort by the alias (text, or the row count) instead.
  const after = `(${keyList}) > (${copy.keys.map((k, i) => `$${i + 1}::${k.type}`).join(', ')})`;
  const statement = (first: boolean) =>
    `with batch as (select ${selectList} from ${copy.from}${first ? '' : ` where ${after}`}
                     order by ${keyList} limit ${size}),
          w as (${copy.write})
     select (select count(*) from batch)::int as ballast_rows, ${copy.keys.map((k, i) => `${qi(k.name)}::text as k${i}`).join(', ')}
       from batch order by ${copy.keys.map((k) => `batch.${qi(k.name)} desc`).join(', ')} limit 1`;
  let cursor: string[] | undefined;
  let done = 0;
  const started = performance.now();
  for (;;) {
    const rows = await db.withSession((s) =>
      s.query<Record<string, string | number>>(statement(cursor === undefined), cursor ?? []),
    );
    const row = rows[0];
    if (!row) break;
    done += Number(row.ballast_rows);
    cursor = copy.keys.map((_, i) => String(row[`k${i}`]));
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : undefined;
    progress.update({
      operation: copy.operation,
      target: copy.target,
      done,
      ...(copy.total !== undefined ? { total: copy.total } : {}),
      ...(rate !== undefined ? { rate } : {}),
      ...(rate && copy.total !== undefined ? { etaSeconds: Math.max(0, copy.total - done) / rate } : {}),
    });
    if (Number(row.ballast_rows) < size) break;
  }
  progress.finish({ operation: copy.operation, target: copy.target, done });
  return done;
}
