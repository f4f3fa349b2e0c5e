/** Small readers over libpg-query's JSON tree, so rules stay declarative. */
import type { ColumnDef, Constraint, Node, RangeVar, TypeName } from 'libpg-query';
import { KNOWN_NON_VOLATILE_FUNCTIONS } from '../ops/volatility.js';

type KeysOf<N> = N extends unknown ? keyof N : never;
export type NodeKind = KeysOf<Node>;
export type NodeBody<K extends NodeKind> = Extract<Node, Record<K, unknown>>[K];

/** The body of `node` when it is of kind `kind`, else undefined. */
export function nodeOf<K extends NodeKind>(node: Node | undefined, kind: K): NodeBody<K> | undefined {
  if (node && kind in node) return (node as unknown as Record<K, NodeBody<K>>)[kind];
  return undefined;
}

export const nodesOf = <K extends NodeKind>(nodes: readonly Node[] | undefined, kind: K): NodeBody<K>[] =>
  (nodes ?? []).flatMap((n) => {
    const body = nodeOf(n, kind);
    return body === undefined ? [] : [body];
  });

/** `schema.table` as written (parser already folded unquoted names to lower case). */
export function relationName(rel: RangeVar | undefined): string {
  if (!rel?.relname) return '?';
  return rel.schemaname ? `${rel.schemaname}.${rel.relname}` : rel.relname;
}

export const stringsOf = (nodes: readonly Node[] | undefined): string[] =>
  nodesOf(nodes, 'String').map((s) => s.sval ?? '');

/** Last name part, lower case: `pg_catalog.varchar` → `varchar`, `serial` → `serial`. */
export function typeBase(t: TypeName | undefined): string {
  const names = stringsOf(t?.names);
  return (names[names.length - 1] ?? '').toLowerCase();
}

export function typeMods(t: TypeName | undefined): number[] {
  return nodesOf(t?.typmods, 'A_Const').map((c) => c.ival?.ival ?? 0);
}

/** SQL names of pg_catalog types the parser spells internally (int4, bpchar, …). */
export const CATALOG_TYPE_NAMES: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  timetz: 'time with time zone',
  time: 'time without time zone',
};

/** A type as people write it: `varchar(255)`, `integer`, `numeric(10,2)`, `text[]`. */
export function typeText(t: TypeName | undefined): string {
  const base = typeBase(t);
  const mods = typeMods(t);
  const array = t?.arrayBounds?.length ? '[]' : '';
  return `${(base.startsWith('time') ? base : CATALOG_TYPE_NAMES[base]) ?? base}${mods.length ? `(${mods.join(',')})` : ''}${array}`;
}

export const constraintsOf = (col: ColumnDef): Constraint[] => nodesOf(col.constraints, 'Constraint');

export function hasConstraint(col: ColumnDef, contype: Constraint['contype']): boolean {
  return constraintsOf(col).some((c) => c.contype === contype);
}

export function defaultOf(col: ColumnDef): Node | undefined {
  return col.raw_default ?? constraintsOf(col).find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;
}

/** Every function name called anywhere inside `node` (lower case). */
export function functionsCalled(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) functionsCalled(n, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'FuncCall') {
        const names = stringsOf((value as { funcname?: Node[] }).funcname);
        out.push((names[names.length - 1] ?? '').toLowerCase());
      }
      functionsCalled(value, out);
    }
  }
  return out;
}

/** Defaults that force PostgreSQL to compute a value for every existing row (a table rewrite). */
export function volatileFunctions(expr: Node | undefined): string[] {
  return functionsCalled(expr).filter((f) => !KNOWN_NON_VOLATILE_FUNCTIONS.has(f));
}
