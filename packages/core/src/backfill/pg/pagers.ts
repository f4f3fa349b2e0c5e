import type { Session } from '../../db.js';
import type { TableInfo } from '../../dialects/postgres/introspect.js';
import { qcolumns, quoteIdent } from '../../dialects/quote.js';
import type { Cursor } from '../types.js';

/**
 * How a PostgreSQL batch finds its rows. Keyset: `(k) > after and (k) <= upper order by k limit n`
 * on the primary key, never OFFSET. Ctid: a range of heap pages, for tables without a usable key.
 * Both fix their upper bound when the job starts, so a job always ends.
 */
export interface Pager {
  readonly paging: 'keyset' | 'ctid';
  /** SQL expressions that identify a row within one transaction, and their types for casts. */
  readonly identity: readonly { readonly sql: string; readonly type: string }[];
  upperBound(session: Session): Promise<Cursor | undefined>;
  /**
   * The batch's row filter (and order/limit) after `cursor`; `params` receives its values.
   * `next` is the cursor after the batch when the pager knows it up front (ctid ranges).
   */
  range(
    cursor: Cursor | undefined,
    upper: Cursor,
    limit: number,
    params: unknown[],
  ): { where: string; orderLimit: string; next?: Cursor; last?: boolean };
  /**
   * Extra condition that stops a range UPDATE at the batch's last row (read from a CTE named
   * `lastRow` with columns ballast_k0…); empty when the range itself is the batch (ctid).
   */
  upTo(lastRow: string): string;
}

/** Appends a bound parameter and returns its placeholder. */
export const param = (params: unknown[], value: unknown) => {
  params.push(value);
  return `$${params.length}`;
};

export function keysetPager(info: TableInfo): Pager {
  const keys = info.key;
  const cols = qcolumns(keys.map((k) => k.name));
  const row = (cursor: Cursor, params: unknown[]) =>
    `(${keys.map((k, i) => `${param(params, cursor[i])}::${k.type}`).join(', ')})`;
  return {
    paging: 'keyset',
    identity: keys.map((k) => ({ sql: quoteIdent('postgres', k.name), type: k.type })),
    async upperBound(session) {
      // Qualified: an output alias `k0` would otherwise shadow a key column named `k0` (text order).
      const desc = keys.map((k) => `${info.sql}.${quoteIdent('postgres', k.name)} desc`).join(', ');
      const text = keys.map((k, i) => `${quoteIdent('postgres', k.name)}::text as k${i}`).join(', ');
      const [last] = await session.query<Record<string, string>>(
        `select ${text} from ${info.sql} order by ${desc} limit 1`,
      );
      return last ? keys.map((_, i) => last[`k${i}`]!) : undefined;
    },
    range(cursor, upper, limit, params) {
      const lower = cursor ? `(${cols}) > ${row(cursor, params)} and ` : '';
      return {
        where: `${lower}(${cols}) <= ${row(upper, params)}`,
        orderLimit: `order by ${cols} limit ${param(params, limit)}`,
      };
    },
    // Scalar subqueries (not a row subquery) keep this an index condition for composite keys too.
    upTo: (lastRow) =>
      ` and (${cols}) <= (${keys.map((_, i) => `(select ballast_k${i} from ${lastRow})`).join(', ')})`,
  };
}

/**
 * Physical page ranges (`ctid >= '(a,0)' and ctid < '(b,0)'`, a TID range scan on PG 14+). The
 * cursor is the next page; the batch's page count comes from rows per page.
 */
export function ctidPager(info: TableInfo, rowsPerPage: number): Pager {
  return {
    paging: 'ctid',
    identity: [{ sql: 'ctid', type: 'tid' }],
    async upperBound(session) {
      const [row] = await session.query<{ pages: string }>(
        `select (pg_relation_size($1) / current_setting('block_size')::bigint)::text as pages`,
        [info.oid],
      );
      return row && Number(row.pages) > 0 ? [row.pages] : undefined;
    },
    range(cursor, upper, limit, params) {
      const from = Number(cursor?.[0] ?? 0);
      const end = Number(upper[0]);
      const to = Math.min(end, from + Math.max(1, Math.ceil(limit / Math.max(1, rowsPerPage))));
      return {
        where: `ctid >= ${param(params, `(${from},0)`)}::tid and ctid < ${param(params, `(${to},0)`)}::tid`,
        orderLimit: '',
        next: [String(to)],
        last: to >= end,
      };
    },
    upTo: () => '',
  };
}
