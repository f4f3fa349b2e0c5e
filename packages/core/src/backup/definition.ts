import type { Session } from '../db.js';
import { qtable } from '../dialects/quote.js';
import { displayName, type TableRef } from '../dialects/table-ref.js';
import { UnsafeOperationError } from '../errors.js';

/**
 * What a column is besides its type, default and NOT NULL, read from the catalog right before
 * the drop and stored with the backup (`ballast_backups.column_definition`), so a restore puts
 * the same column back. Expressions and definitions are the server's own rendering
 * (pg_get_expr, pg_get_indexdef, pg_get_constraintdef), replayed as they were.
 */
export interface ColumnDefinition {
  /**
   * pg_attribute.attnum of the backed-up column. A dropped number is never reused, so a live
   * column with the same number at restore time is the very column that was never dropped.
   */
  readonly attnum: number;
  /** Set only when it differs from the type's default collation. */
  readonly collation: { readonly schema: string; readonly name: string } | null;
  readonly identity: IdentityDefinition | null;
  /** `s` stored, `v` virtual (PostgreSQL 18). */
  readonly generated: { readonly kind: 's' | 'v'; readonly expression: string } | null;
  readonly comment: string | null;
  /** Indexes over the column (alone or with others, in keys, expressions or predicate). */
  readonly indexes: readonly { readonly name: string; readonly definition: string }[];
  readonly constraints: readonly ConstraintDefinition[];
}

export interface IdentityDefinition {
  /** GENERATED ALWAYS (`a`) or BY DEFAULT (`d`). */
  readonly kind: 'a' | 'd';
  readonly sequence: { readonly schema: string; readonly name: string };
  /** Sequence options as integer text (bigint range). */
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
  /** Last value handed out; null when none was yet. */
  readonly lastValue: string | null;
}

export interface ConstraintDefinition {
  readonly name: string;
  readonly kind: 'check' | 'foreign key' | 'unique';
  /** pg_get_constraintdef without a trailing NOT VALID. */
  readonly definition: string;
  readonly validated: boolean;
  readonly columns: readonly string[];
  /** The unique constraint's index, as pg_get_indexdef renders it. */
  readonly index: string | null;
}

/** The column's attnum, or undefined when the table has no such column. */
export async function columnAttnum(
  session: Session,
  ref: TableRef,
  column: string,
): Promise<number | undefined> {
  const [row] = await session.query<{ attnum: number }>(
    `select attnum from pg_attribute
      where attrelid = to_regclass($1) and attname = $2 and attnum > 0 and not attisdropped`,
    [qtable(ref), column],
  );
  return row?.attnum;
}

interface ColumnRow {
  attnum: number;
  identity: string;
  generated: string;
  expression: string | null;
  coll_schema: string | null;
  coll_name: string | null;
  comment: string | null;
}

interface DependentRow {
  catalog: string;
  objid: string;
  /** For a default / generation expression: the column it belongs to. */
  attrdef_column: number | null;
  deptype: string;
  what: string;
  relkind: string | null;
  index_name: string | null;
  index_def: string | null;
  conname: string | null;
  contype: string | null;
  con_def: string | null;
  convalidated: boolean | null;
  condeferrable: boolean | null;
  own: boolean | null;
  con_columns: string[] | null;
  con_index_def: string | null;
}

/**
 * Reads the definition, refusing (before any copy) a column whose drop would take along, or be
 * blocked by, something a restore cannot put back: views and rules, foreign keys of other tables,
 * serial sequences, exclusion or deferrable constraints, column triggers, policies, statistics.
 */
export async function readColumnDefinition(
  session: Session,
  ref: TableRef,
  column: string,
  where: string,
): Promise<ColumnDefinition> {
  const [col] = await session.query<ColumnRow>(
    `select a.attnum, a.attidentity as identity, a.attgenerated as generated,
            pg_get_expr(d.adbin, d.adrelid) as expression, col_description(a.attrelid, a.attnum) as comment,
            case when a.attcollation <> t.typcollation then cn.nspname end as coll_schema,
            case when a.attcollation <> t.typcollation then co.collname end as coll_name
       from pg_attribute a join pg_type t on t.oid = a.atttypid
       left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
       left join pg_collation co on co.oid = a.attcollation
       left join pg_namespace cn on cn.oid = co.collnamespace
      where a.attrelid = to_regclass($1) and a.attname = $2 and a.attnum > 0 and not a.attisdropped`,
    [qtable(ref), column],
  );
  const dependents = await session.query<DependentRow>(
    `select distinct dep.classid::regclass::text as catalog, dep.objid::text as objid, dep.deptype::text as deptype,
            pg_describe_object(dep.classid, dep.objid, 0) as what,
            c.relkind::text as relkind, c.relname as index_name, pg_get_indexdef(c.oid) as index_def,
            k.conname, k.contype::text as contype, pg_get_constraintdef(k.oid) as con_def, k.convalidated,
            k.condeferrable, k.conrelid = dep.refobjid as own,
            (select array_agg(ka.attname::text order by u.ord) from unnest(k.conkey) with ordinality as u(attnum, ord)
               join pg_attribute ka on ka.attrelid = k.conrelid and ka.attnum = u.attnum) as con_columns,
            case when k.contype = 'u' then pg_get_indexdef(k.conindid) end as con_index_def,
            ad.adnum as attrdef_column
       from pg_depend dep
       left join pg_attrdef ad on dep.classid = 'pg_attrdef'::regclass and ad.oid = dep.objid
       left join pg_class c on dep.classid = 'pg_class'::regclass and c.oid = dep.objid
       left join pg_constraint k on dep.classid = 'pg_constraint'::regclass and k.oid = dep.objid
      where dep.refclassid = 'pg_class'::regclass and dep.refobjid = to_regclass($1) and dep.refobjsubid = $2`,
    [qtable(ref), col!.attnum],
  );
  const indexes: { name: string; definition: string }[] = [];
  const constraints: ConstraintDefinition[] = [];
  const refused: string[] = [];
  // An object also depending on it automatically (a CHECK over it) goes with the drop; one with
  // only normal dependencies (a view, another table's foreign key) would block the drop.
  const key = (d: DependentRow) => `${d.catalog}:${d.objid}`;
  const dropsAlong = new Set(dependents.filter((d) => d.deptype !== 'n').map(key));
  const seen = new Set<string>();
  for (const d of dependents) {
    if (seen.has(key(d)) || (d.deptype === 'n' && dropsAlong.has(key(d)))) continue;
    seen.add(key(d));
    // Its own default or generation expression, read above (another column's is refused below).
    if (d.catalog === 'pg_attrdef' && d.attrdef_column === col!.attnum) continue;
    if (d.deptype === 'n') refused.push(`${d.what} depends on it`);
    else if (d.catalog === 'pg_class' && (d.relkind === 'i' || d.relkind === 'I'))
      indexes.push({ name: d.index_name!, definition: d.index_def! });
    else if (d.catalog === 'pg_class' && d.relkind === 'S' && d.deptype === 'i')
      continue; // identity, below
    else if (d.catalog === 'pg_constraint' && d.contype === 'n')
      continue; // NOT NULL, restored on its own
    else if (d.catalog === 'pg_constraint' && d.own && isRestorable(d)) constraints.push(constraintOf(d));
    else refused.push(d.what);
  }
  if (refused.length > 0) {
    throw new UnsafeOperationError(
      `${where}: dropping ${displayName(ref)}.${column} would take along or be blocked by what a restore cannot put back: ${refused.join('; ')}`,
      {
        where: `${displayName(ref)}.${column}`,
        hint: 'drop or change those objects first (recreate a view without the column, drop a foreign key of another table, `ALTER SEQUENCE ... OWNED BY NONE` for a serial), then drop the column',
      },
    );
  }
  return {
    attnum: col!.attnum,
    collation: col!.coll_name ? { schema: col!.coll_schema!, name: col!.coll_name } : null,
    identity: col!.identity
      ? await readIdentity(session, ref, col!.attnum, col!.identity as 'a' | 'd')
      : null,
    generated: col!.generated ? { kind: col!.generated as 's' | 'v', expression: col!.expression! } : null,
    comment: col!.comment,
    indexes,
    constraints,
  };
}

const isRestorable = (d: DependentRow) =>
  d.contype === 'c' || d.contype === 'f' || (d.contype === 'u' && !d.condeferrable);

const constraintOf = (d: DependentRow): ConstraintDefinition => ({
  name: d.conname!,
  kind: d.contype === 'c' ? 'check' : d.contype === 'f' ? 'foreign key' : 'unique',
  definition: d.con_def!.replace(/\s+NOT VALID$/, ''),
  validated: d.convalidated!,
  columns: d.con_columns ?? [],
  index: d.con_index_def,
});

async function readIdentity(
  session: Session,
  ref: TableRef,
  attnum: number,
  kind: 'a' | 'd',
): Promise<IdentityDefinition> {
  const [row] = await session.query<
    Omit<IdentityDefinition, 'kind' | 'sequence'> & { schema: string; name: string }
  >(
    `select n.nspname as schema, c.relname as name, s.seqstart::text as start, s.seqincrement::text as increment,
            s.seqmin::text as min, s.seqmax::text as max, s.seqcache::text as cache, s.seqcycle as cycle,
            pg_sequence_last_value(c.oid)::text as "lastValue"
       from pg_depend dep join pg_class c on c.oid = dep.objid
       join pg_namespace n on n.oid = c.relnamespace join pg_sequence s on s.seqrelid = c.oid
      where dep.classid = 'pg_class'::regclass and dep.refclassid = 'pg_class'::regclass
        and dep.refobjid = to_regclass($1) and dep.refobjsubid = $2 and dep.deptype = 'i' and c.relkind = 'S'`,
    [qtable(ref), attnum],
  );
  const { schema, name, ...options } = row!;
  return { kind, sequence: { schema, name }, ...options };
}
