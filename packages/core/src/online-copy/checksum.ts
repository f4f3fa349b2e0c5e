import type { Database, Session } from '../db.js';
import { quoteIdent, quoteQualified } from '../dialects/quote.js';
import { BallastError } from '../errors.js';
import type { CopyTable } from './preflight.js';

/** A chunk's row count and checksum did not match between the table and its shadow. */
export class ChecksumMismatchError extends BallastError {
  override readonly name = 'ChecksumMismatchError';
}

export interface ChecksumReport {
  readonly chunks: number;
  readonly rows: number;
}

/**
 * Compares the table and its shadow chunk by chunk on the primary key: row count and
 * BIT_XOR(CRC32(row)) of the copied columns, each as text. Each chunk reads both tables in one
 * consistent snapshot: the triggers change the shadow in the application's own transaction, so
 * at any snapshot the two agree, however busy the table is.
 */
export async function verifyCopy(
  db: Database,
  table: CopyTable,
  shadow: string,
  columns: readonly string[],
  chunkRows = 10_000,
): Promise<ChecksumReport> {
  const keys = table.key.map((k) => quoteIdent('mysql', k));
  const cols = `(${keys.join(', ')})`;
  const place = () => `(${keys.map(() => '?').join(', ')})`;
  const row = `crc32(concat_ws('#', ${columns
    .map((c) => `isnull(${quoteIdent('mysql', c)}), cast(${quoteIdent('mysql', c)} as char)`)
    .join(', ')}))`;
  const from = (name: string) => quoteQualified('mysql', { schema: table.schema, name });
  const sum = (name: string, range: string) =>
    `select count(*) as n, coalesce(bit_xor(${row}), 0) as x from ${from(name)} where ${range}`;
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
          `select ${text} from (select ${keys.join(', ')} from ${from(table.name)} where ${after}
             order by ${keys.join(', ')} limit ?) c order by ${keys.map((k) => `${k} desc`).join(', ')} limit 1`,
          [...(cursor ?? []), chunkRows],
        );
        // The shadow may hold rows past the table's last key only if the copy is wrong.
        const upper = last ? keys.map((_, i) => last[`k${i}`]!) : undefined;
        const range = upper ? `${after} and ${cols} <= ${place()}` : after;
        const params = [...(cursor ?? []), ...(upper ?? [])];
        const [a] = await s.query<{ n: number; x: string }>(sum(table.name, range), params);
        const [b] = await s.query<{ n: number; x: string }>(sum(shadow, range), params);
        if (Number(a?.n) !== Number(b?.n) || String(a?.x) !== String(b?.x)) {
          const where = `${table.schema}.${table.name}`;
          throw new ChecksumMismatchError(
            `online copy of ${where}: the shadow ${shadow} differs from the table for keys ${cursor ? `after (${cursor.join(', ')})` : 'from the first'} ${upper ? `up to (${upper.join(', ')})` : 'on'}: ${a?.n} rows (checksum ${a?.x}) against ${b?.n} (checksum ${b?.x})`,
            {
              where,
              hint: 'nothing was swapped; the table is untouched. A change that alters how values print (e.g. FLOAT → DOUBLE) cannot be verified this way: pass verify: false. Otherwise report it, with the two tables kept',
            },
          );
        }
        chunks += 1;
        rows += Number(a?.n);
        if (!upper) return { chunks, rows };
        cursor = upper;
      } finally {
        await s.query('commit').catch(() => {});
      }
    }
  });
}
