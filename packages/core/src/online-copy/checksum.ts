import type { Database, Session } from '../db.js';
import { quoteIdent, quoteQualified } from '../dialects/quote.js';
import { BallastError } from '../errors.js';
import type { CopyTable } from './preflight.js';

/** A range of keys did not hold the same rows, value for value, in the table and its shadow. */
export class ChecksumMismatchError extends BallastError {
  override readonly name = 'ChecksumMismatchError';
}

export interface ChecksumReport {
  /** Ranges compared: the copy's batches, or the chunks of the `verify: 'full'` pass. */
  readonly chunks: number;
  readonly rows: number;
}

/** The alias both tables take in a compared range's condition. */
export const RANGE_ALIAS = 's';

/**
 * Compares a key range (`range`, on columns qualified by RANGE_ALIAS) of the table and its
 * shadow: the same number of rows, and every row of the table has a shadow row with its key
 * whose every column of `columns` is equal (`<=>`) as the server compares the old type with the
 * new one: INT 5 and BIGINT 5, DECIMAL 1.5 and 1.50, FLOAT and DOUBLE of the same value are
 * equal; a value the new type truncated, rounded or could not store is not. With no `columns`,
 * only the row counts. Returns the rows compared.
 */
export async function compareRange(
  session: Session,
  table: CopyTable,
  shadow: string,
  columns: readonly string[],
  range: string,
  params: readonly unknown[],
  keys: string,
  /** The table's rows in the range, when the caller holds them still and knows their number. */
  known?: number,
): Promise<number> {
  const q = (c: string) => quoteIdent('mysql', c);
  const name = (n: string) => quoteQualified('mysql', { schema: table.schema, name: n });
  const count = (n: string) => `(select count(*) from ${name(n)} ${RANGE_ALIAS} where ${range})`;
  const on = table.key.map((k) => `n.${q(k)} = ${RANGE_ALIAS}.${q(k)}`).join(' and ');
  const same = columns.map((c) => ` and ${RANGE_ALIAS}.${q(c)} <=> n.${q(c)}`).join('');
  // Without values to compare, the counts alone: the shadow's, and the table's unless known.
  const [r] = await session.query<{ a: number; b: number; c?: number }>(
    columns.length > 0
      ? `select count(*) as a, coalesce(sum(n.${q(table.key[0]!)} is not null${same}), 0) as c,
                ${count(shadow)} as b
           from ${name(table.name)} ${RANGE_ALIAS} left join ${name(shadow)} n on ${on}
          where ${range}`
      : `select ${known === undefined ? count(table.name) : '?'} as a, ${count(shadow)} as b`,
    columns.length > 0 || known === undefined ? [...params, ...params] : [known, ...params],
  );
  const [a, b] = [Number(r?.a), Number(r?.b)];
  const c = r?.c === undefined ? a : Number(r.c);
  if (a === b && b === c) return a;
  throw mismatch(
    table,
    shadow,
    `for keys ${keys}: the table has ${a} rows, the shadow ${b}, and ${a - c} of the table's rows have no equal shadow row`,
  );
}

export const mismatch = (table: CopyTable, shadow: string, what: string) =>
  new ChecksumMismatchError(
    `online copy of ${table.schema}.${table.name}: the shadow ${shadow} differs from the table ${what}`,
    {
      where: `${table.schema}.${table.name}`,
      hint: 'nothing was swapped; the table is untouched. The new type does not hold some values as they were (truncated, rounded, out of range): fix the type or the data and rerun; pass verify: false only if that loss is wanted',
    },
  );

/**
 * `verify: 'full'`: after the copy, compares the whole table and its shadow chunk by chunk on
 * the primary key (compareRange). Each chunk reads both tables in one consistent snapshot: the
 * triggers change the shadow in the application's own transaction, so at any snapshot the two
 * agree, however busy the table is. This also covers rows the triggers wrote after their batch
 * was copied and compared.
 */
export async function verifyCopy(
  db: Database,
  table: CopyTable,
  shadow: string,
  columns: readonly string[],
  chunkRows = 50_000,
): Promise<ChecksumReport> {
  const keys = table.key.map((k) => `${RANGE_ALIAS}.${quoteIdent('mysql', k)}`);
  const cols = `(${keys.join(', ')})`;
  const place = () => `(${keys.map(() => '?').join(', ')})`;
  const tableSql = quoteQualified('mysql', { schema: table.schema, name: table.name });
  let cursor: string[] | undefined;
  let chunks = 0;
  let rows = 0;
  return db.withSession(async (s: Session) => {
    for (;;) {
      await s.query('start transaction with consistent snapshot');
      try {
        const after = cursor ? `${cols} > ${place()}` : '1 = 1';
        const text = keys.map((k, i) => `cast(${k} as char) as k${i}`).join(', ');
        const [last] = await s.query<Record<string, string>>(
          `select ${text} from ${tableSql} ${RANGE_ALIAS} where ${after}
             order by ${keys.join(', ')} limit 1 offset ?`,
          [...(cursor ?? []), chunkRows - 1],
        );
        // The shadow may hold rows past the table's last key only if the copy is wrong.
        const upper = last ? keys.map((_, i) => last[`k${i}`]!) : undefined;
        const range = upper ? `${after} and ${cols} <= ${place()}` : after;
        const described = `${cursor ? `after (${cursor.join(', ')})` : 'from the first'} ${upper ? `up to (${upper.join(', ')})` : 'on'}`;
        rows += await compareRange(
          s,
          table,
          shadow,
          columns,
          range,
          [...(cursor ?? []), ...(upper ?? [])],
          described,
        );
        chunks += 1;
        if (!upper) return { chunks, rows };
        cursor = upper;
      } finally {
        await s.query('commit').catch(() => {});
      }
    }
  });
}
