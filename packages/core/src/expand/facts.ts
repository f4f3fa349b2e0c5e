import type { Session } from '../db.js';
import { FK_ACTIONS } from '../dialects/postgres/catalog.js';
import {
  primaryKeyWithout,
  readColumn,
  requireColumn,
  tableSchema,
} from '../dialects/postgres/introspect.js';
import { qtable } from '../dialects/quote.js';
import type { ResolvedTableRef, TableRef } from '../dialects/table-ref.js';
import { UnsafeOperationError } from '../errors.js';

/**
 * What expand copies from the old column to the new one, read from the catalog once before
 * planning, so the planners themselves stay pure `(input, server) => Plan` functions.
 */
export interface CopiedIndex {
  readonly name: string;
  /** Key columns in order (the old column among them). */
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly method: string;
  readonly where?: string | undefined;
  /** The index backs a UNIQUE constraint of the same name (not just a unique index). */
  readonly constraint: boolean;
}

export interface CopiedForeignKey {
  readonly name: string;
  readonly references: ResolvedTableRef & { readonly columns: readonly string[] };
  readonly onDelete: string;
  readonly onUpdate: string;
}

export interface ColumnFacts {
  /** The schema the table lives in (search_path resolved). */
  readonly schema: string;
  readonly type: string;
  readonly default: string | null;
  readonly notNull: boolean;
  readonly indexes: readonly CopiedIndex[];
  readonly foreignKeys: readonly CopiedForeignKey[];
  /** Constraints that mention the column and are not copied (CHECKs, expression indexes): for the notes. */
  readonly notCopied: readonly string[];
  /** The new column already exists (a rerun after a crash). */
  readonly newColumnExists: boolean;
}

/** The objects of a column before it was copied, under their own names (kept in ballast_expansions). */
export type OriginalObjects = Pick<ColumnFacts, 'indexes' | 'foreignKeys'>;

export async function readColumnFacts(
  session: Session,
  ref: TableRef,
  column: string,
  newColumn: string,
  where: string,
): Promise<ColumnFacts> {
  const info = await requireColumn(session, ref, column, where);
  if (info.identity || info.generated) {
    throw new UnsafeOperationError(`${where}: ${ref.table}.${column} is an identity or generated column`, {
      where: `${ref.table}.${column}`,
      hint: 'expand/contract copies plain columns; change identity/generated columns with a dedicated migration',
    });
  }
  await primaryKeyWithout(
    session,
    ref,
    column,
    where,
    'expand/contract cannot swap a primary key column online yet; add a new key with planAddPrimaryKey first',
  );
  const rel = qtable(ref);
  const indexes = await session.query<{
    name: string;
    columns: string[];
    unique: boolean;
    method: string;
    pred: string | null;
    exprs: boolean;
    primary: boolean;
    constraint: boolean;
  }>(
    `select c.relname as name, i.indisunique as unique, am.amname as method, pg_get_expr(i.indpred, i.indrelid) as pred,
            i.indexprs is not null as exprs, i.indisprimary as primary,
            exists (select 1 from pg_constraint k where k.conrelid = i.indrelid and k.conindid = i.indexrelid
                      and k.contype = 'u') as constraint,
            array(select a.attname from unnest(i.indkey[0:i.indnkeyatts - 1]) with ordinality k(n, o)
                    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.n order by k.o)::text[] as columns
       from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam
      where i.indrelid = to_regclass($1)
        and exists (select 1 from pg_attribute a where a.attrelid = i.indrelid and a.attname = $2
                      and (a.attnum = any(i.indkey) or pg_get_expr(i.indpred, i.indrelid) like '%' || a.attname || '%'))`,
    [rel, column],
  );
  const fks = await session.query<{
    name: string;
    rschema: string;
    rtable: string;
    rcolumns: string[];
    del: string;
    upd: string;
  }>(
    `select k.conname as name, rn.nspname as rschema, rc.relname as rtable, k.confdeltype as del, k.confupdtype as upd,
            array(select a.attname from unnest(k.confkey) with ordinality f(n, o)
                    join pg_attribute a on a.attrelid = k.confrelid and a.attnum = f.n order by f.o)::text[] as rcolumns
       from pg_constraint k join pg_class rc on rc.oid = k.confrelid join pg_namespace rn on rn.oid = rc.relnamespace
       join pg_attribute a on a.attrelid = k.conrelid and a.attname = $2
      where k.conrelid = to_regclass($1) and k.contype = 'f' and k.conkey = array[a.attnum]`,
    [rel, column],
  );
  const checks = await session.query<{ name: string }>(
    `select k.conname as name from pg_constraint k join pg_attribute a on a.attrelid = k.conrelid and a.attname = $2
      where k.conrelid = to_regclass($1) and k.contype in ('c', 'x') and a.attnum = any(k.conkey)`,
    [rel, column],
  );
  const copyable = indexes.filter(
    (i) => !i.exprs && !i.primary && i.pred === null && !i.columns.includes(newColumn),
  );
  return {
    schema: (await tableSchema(session, ref))!,
    type: info.type,
    default: info.default,
    notNull: info.notNull,
    indexes: copyable.map((i) => ({
      name: i.name,
      columns: i.columns,
      unique: i.unique,
      method: i.method,
      constraint: i.constraint,
    })),
    foreignKeys: fks.map((f) => ({
      name: f.name,
      references: { schema: f.rschema, table: f.rtable, columns: f.rcolumns },
      onDelete: FK_ACTIONS[f.del] ?? 'no action',
      onUpdate: FK_ACTIONS[f.upd] ?? 'no action',
    })),
    notCopied: [
      ...indexes
        .filter((i) => !copyable.includes(i) && !i.columns.includes(newColumn))
        .map((i) => `index ${i.name}`),
      ...checks.map((c) => `constraint ${c.name}`),
    ],
    newColumnExists: (await readColumn(session, ref, newColumn)) !== undefined,
  };
}
