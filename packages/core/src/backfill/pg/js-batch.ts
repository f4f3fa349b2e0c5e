import { quoteIdent } from '../../dialects/quote.js';
import { requireTableColumn } from '../../dialects/table-ref.js';
import type { Cursor, RowTransform } from '../types.js';
import type { PgBatchContext } from './batch-context.js';
import { toPgText } from './values.js';

const MATCH = '__ballast_match';
const KEY = '__ballast_k';

/**
 * The JS path, inside the batch transaction: read the batch `FOR UPDATE` in key order, run the
 * transform per row, then write each group of rows that changed the same columns with ONE
 * `UPDATE … FROM unnest($1::text[], …)` by key, values bound as parameters.
 */
export async function applyJsTransform(ctx: PgBatchContext, transform: RowTransform) {
  const { info, pager, range, params } = ctx;
  const keys = pager.identity.map((c, i) => `${c.sql}::text as ${KEY}${i}`).join(', ');
  const match = ctx.where ? `coalesce((${ctx.where}), false)` : 'true';
  const rows = await ctx.session.query<Record<string, unknown>>(
    `select ${info.sql}.*, ${match} as ${MATCH}, ${keys} from ${info.sql}
      where ${range.where} ${range.orderLimit} for update`,
    params,
  );
  const groups = new Map<string, { columns: string[]; keys: Cursor[]; values: unknown[][] }>();
  for (const row of rows) {
    if (row[MATCH] !== true) continue;
    const key = pager.identity.map((_, i) => row[`${KEY}${i}`] as string);
    const plain = Object.fromEntries(Object.entries(row).filter(([name]) => !name.startsWith('__ballast_')));
    const changes = await transform(plain);
    if (!changes || Object.keys(changes).length === 0) continue;
    const columns = Object.keys(changes).sort();
    const id = JSON.stringify(columns);
    const group = groups.get(id) ?? { columns, keys: [], values: [] };
    groups.set(id, group);
    group.keys.push(key);
    group.values.push(columns.map((c) => changes[c]));
  }
  let changed = 0;
  for (const group of groups.values()) changed += await writeGroup(ctx, group);
  const lastRow = rows[rows.length - 1];
  const last = lastRow ? pager.identity.map((_, i) => lastRow[`${KEY}${i}`] as string) : undefined;
  return { rows: rows.length, changed, last };
}

async function writeGroup(
  ctx: PgBatchContext,
  group: { columns: string[]; keys: Cursor[]; values: unknown[][] },
): Promise<number> {
  const { info, pager } = ctx;
  const types = group.columns.map((c) => requireTableColumn(info, c, 'backfill'));
  const params: (string | null)[][] = [
    ...pager.identity.map((_, i) => group.keys.map((k) => k[i]!)),
    ...group.columns.map((_, j) => group.values.map((v) => toPgText(v[j], types[j]!))),
  ];
  const aliases = [...pager.identity.map((_, i) => `k${i}`), ...group.columns.map((_, j) => `v${j}`)];
  const assignments = group.columns
    .map((c, j) => `${quoteIdent('postgres', c)} = ballast_v.v${j}::${types[j]}`)
    .join(', ');
  const join = pager.identity
    .map((c, i) => `${info.sql}.${c.sql} = ballast_v.k${i}::${c.type}`)
    .join(' and ');
  const [row] = await ctx.session.query<{ n: number }>(
    `with ballast_written as (
       update ${info.sql} set ${assignments}
         from unnest(${params.map((_, i) => `$${i + 1}::text[]`).join(', ')}) as ballast_v(${aliases.join(', ')})
        where ${join} returning 1)
     select count(*)::int as n from ballast_written`,
    params,
  );
  return row?.n ?? 0;
}
