import type { Session } from '../../db.js';
import type { TableInfo } from '../../dialects/postgres/introspect.js';
import { quoteIdent } from '../../dialects/quote.js';
import { InvalidArgumentError } from '../../errors.js';
import type { KeyRange } from './tables.js';

const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint']);

/**
 * Splits the table's key span into `count` contiguous ranges of equal width: `min..max` of a
 * single integer primary key, read once (two index probes). Equal widths, not equal row counts:
 * sparse or skewed keys give uneven ranges (see docs/distributed-backfill.md).
 */
export async function splitKeyRanges(session: Session, info: TableInfo, count: number): Promise<KeyRange[]> {
  const [key] = info.key;
  if (info.key.length !== 1 || !key || !INTEGER_TYPES.has(key.type)) {
    // Ranges of equal key width need integer arithmetic on the key.
    throw new InvalidArgumentError([
      {
        argument: `startDistributedBackfill spec.table (${info.label})`,
        given: `key ${info.key.map((k) => `${k.name} ${k.type}`).join(', ') || 'none'}`,
        allowed:
          'a table whose primary key is one smallint, integer or bigint column (else use runBackfill, one process)',
      },
    ]);
  }
  const k = quoteIdent('postgres', key.name);
  const [row] = await session.query<{ min: string | null; max: string | null }>(
    `select (select min(${k}) from ${info.sql})::text as min, (select max(${k}) from ${info.sql})::text as max`,
  );
  if (row?.min == null || row.max == null) return [];
  return equalRanges(BigInt(row.min), BigInt(row.max), count);
}

/** `(min-1, max]` cut into at most `count` ranges `(after, upTo]` (fewer when there are fewer keys). */
export function equalRanges(min: bigint, max: bigint, count: number): KeyRange[] {
  const span = max - min + 1n;
  const width = (span + BigInt(count) - 1n) / BigInt(count);
  const ranges: KeyRange[] = [];
  for (let after = min - 1n; after < max; after += width) {
    const upTo = after + width < max ? after + width : max;
    ranges.push({ index: ranges.length, after: [String(after)], upTo: [String(upTo)] });
  }
  return ranges;
}
