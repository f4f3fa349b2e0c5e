/**
 * The columns as they are before a migration runs, from a schema file (`ballast lint --schema`:
 * a `pg_dump --schema-only` / `mysqldump --no-data`, or the CREATE TABLEs of earlier migrations).
 * A single migration file does not say a column's old type; with it, a type change is judged
 * against the real one: text → varchar(n) rewrites, MODIFY n INT NOT NULL on an INT column only
 * adds NOT NULL.
 */
import type { ColumnDef } from 'libpg-query';
import type { MysqlAst } from './define.js';
import { lintOptions } from './options.js';
import { parseMysql, parsePostgres } from './parse.js';
import { constraintsOf, nodeOf, nodesOf, relationName, typeBase, typeMods } from './pg-ast.js';
import type { LintOptions, Statement } from './types.js';

export interface ColumnFact {
  /** PostgreSQL: the type's last name (varchar, text, int4); MySQL: the data type (VARCHAR). */
  readonly base: string;
  /** Type modifiers: varchar's length, numeric's precision and scale. */
  readonly mods: readonly number[];
  /** MySQL: UNSIGNED / ZEROFILL and the like, upper case. */
  readonly suffix: string;
  readonly nullable: boolean;
}

/** Table (bare name, lower case) → column (lower case) → its fact. */
export type KnownColumns = ReadonlyMap<string, ReadonlyMap<string, ColumnFact>>;

const key = (name: string) =>
  (name.split('.').pop() ?? name).replaceAll('`', '').replaceAll('"', '').toLowerCase();

/** The column `table.column` as the schema declares it; undefined when it does not. */
export const knownColumn = (known: KnownColumns | undefined, table: string, column: string) =>
  known?.get(key(table))?.get(column.toLowerCase());

function pgFact(col: ColumnDef): ColumnFact {
  const notNull = constraintsOf(col).some(
    (c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY',
  );
  return { base: typeBase(col.typeName), mods: typeMods(col.typeName), suffix: '', nullable: !notNull };
}

/** A node-sql-parser column definition (CREATE TABLE column, ADD/MODIFY/CHANGE COLUMN). */
export function mysqlFact(e: MysqlAst): ColumnFact {
  const def = e.definition ?? {};
  const notNull = e.nullable?.type === 'not null' || e.primary_key !== undefined;
  return {
    base: String(def.dataType ?? '').toUpperCase(),
    mods: [def.length, def.scale].filter((n) => n !== undefined && n !== null).map(Number),
    suffix: (Array.isArray(def.suffix) ? def.suffix : []).map(String).join(' ').toUpperCase(),
    nullable: !notNull,
  };
}

const mysqlColumnName = (e: MysqlAst): string => {
  const c = e.column?.column ?? e.column;
  return String(typeof c === 'object' && c !== null ? (c.expr?.value ?? '') : c);
};

/** Every column the statements declare (CREATE TABLE, ALTER TABLE … ADD COLUMN), in order. */
export function schemaColumns(statements: readonly Statement[]): KnownColumns {
  const tables = new Map<string, Map<string, ColumnFact>>();
  const table = (name: string) => {
    const t = tables.get(key(name)) ?? new Map<string, ColumnFact>();
    tables.set(key(name), t);
    return t;
  };
  for (const s of statements) {
    if (s.dialect === 'postgres') {
      const create = nodeOf(s.node, 'CreateStmt');
      if (create) {
        const t = table(relationName(create.relation));
        for (const col of nodesOf(create.tableElts, 'ColumnDef'))
          t.set((col.colname ?? '').toLowerCase(), pgFact(col));
      }
      const alter = nodeOf(s.node, 'AlterTableStmt');
      if (alter) {
        for (const cmd of nodesOf(alter.cmds, 'AlterTableCmd')) {
          const col = cmd.subtype === 'AT_AddColumn' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
          if (col) table(relationName(alter.relation)).set((col.colname ?? '').toLowerCase(), pgFact(col));
        }
      }
      continue;
    }
    const ast = s.ast as MysqlAst;
    const name = String(ast?.table?.[0]?.table ?? '');
    if (ast?.type === 'create' && ast.keyword === 'table') {
      for (const e of ast.create_definitions ?? [])
        if (e.resource === 'column') table(name).set(mysqlColumnName(e).toLowerCase(), mysqlFact(e));
    } else if (ast?.type === 'alter' && Array.isArray(ast.expr)) {
      for (const e of ast.expr)
        if (e.action === 'add' && e.resource === 'column')
          table(name).set(mysqlColumnName(e).toLowerCase(), mysqlFact(e));
    }
  }
  return tables;
}

/**
 * The columns a schema text declares, parsed in the options' dialect (PostgreSQL needs `await
 * loadPgParser()` first). Statements that are not CREATE TABLE / ADD COLUMN, or that do not parse,
 * are skipped: a schema dump holds much else.
 */
export function readSchema(text: string, partial: Partial<LintOptions>): KnownColumns {
  const options = lintOptions(partial);
  const parsed = options.dialect === 'postgres' ? parsePostgres(text) : parseMysql(text, options.mysql);
  return schemaColumns(parsed.statements);
}
