/**
 * PostgreSQL statement → planner inputs → plans. Each part of the statement must map to a
 * core/ops planner; when one does not, the statement gets no plan and the reason says which part.
 */
import type { AlterTableCmd, ColumnDef, IndexStmt } from 'libpg-query';
import type { ServerInfo } from '../dialects/server.js';
import type { TableRef } from '../dialects/table-ref.js';
import { ident } from '../lint/define.js';
import {
  CATALOG_TYPE_NAMES,
  constraintsOf,
  nodeOf,
  nodesOf,
  stringsOf,
  typeBase,
  typeMods,
} from '../lint/pg-ast.js';
import type { PgStatement } from '../lint/types.js';
import { planAddCheck } from '../ops/add-check.js';
import { planAddColumn } from '../ops/add-column.js';
import { planAddForeignKey } from '../ops/add-foreign-key.js';
import { planAddPrimaryKey } from '../ops/add-primary-key.js';
import { planAddUnique } from '../ops/add-unique.js';
import { planCreateIndex } from '../ops/create-index.js';
import { planDropIndex } from '../ops/drop-index.js';
import { planSetNotNull } from '../ops/set-not-null.js';
import type { Plan } from '../plan.js';
import { checkExpressionText, defaultExpressionText, indexPredicateText } from './pg-text.js';
import type { NoPlan } from './types.js';

/** Statement → planner inputs → plans; a NoPlan when some part has no planner. */
export function planPgStatement(text: string, s: PgStatement, server: ServerInfo): Plan[] | NoPlan {
  const index = nodeOf(s.node, 'IndexStmt');
  if (index) {
    const input = indexInput(index, s);
    return typeof input === 'string' ? noPlan(input) : [planCreateIndex(input, server)];
  }
  const drop = nodeOf(s.node, 'DropStmt');
  if (drop?.removeType === 'OBJECT_INDEX') {
    return (drop.objects ?? []).map((o) => {
      const parts = stringsOf(nodeOf(o, 'List')?.items);
      const name = parts.pop() ?? '';
      return planDropIndex(parts.length ? { name, schema: parts[0]! } : { name }, server);
    });
  }
  const alter = nodeOf(s.node, 'AlterTableStmt');
  if (alter?.objtype === 'OBJECT_TABLE' && alter.relation?.relname) {
    const ref = {
      table: alter.relation.relname,
      ...(alter.relation.schemaname ? { schema: alter.relation.schemaname } : {}),
    };
    const plans: Plan[] = [];
    for (const cmd of nodesOf(alter.cmds, 'AlterTableCmd')) {
      const plan = planAlterCommand(text, s, ref, cmd, server);
      if (typeof plan === 'string') return noPlan(plan);
      plans.push(plan);
    }
    return plans;
  }
  return noPlan(`no planner for ${statementKind(s)}`);
}

const noPlan = (reason: string): NoPlan => ({ reason });

/** `IndexStmt` → `IndexStmt`, for reasons: the parser's node name says what the statement is. */
const statementKind = (s: PgStatement) => Object.keys(s.node)[0] ?? 'this statement';

function planAlterCommand(
  text: string,
  s: PgStatement,
  ref: TableRef,
  cmd: AlterTableCmd,
  server: ServerInfo,
): Plan | string {
  if (cmd.subtype === 'AT_SetNotNull' && cmd.name)
    return planSetNotNull({ ...ref, column: cmd.name }, server);
  const col = cmd.subtype === 'AT_AddColumn' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
  if (col) return planAddColumnFrom(text, s, ref, col, server);
  const con = cmd.subtype === 'AT_AddConstraint' ? nodeOf(cmd.def, 'Constraint') : undefined;
  if (!con) return `no planner for ALTER TABLE ${cmd.subtype ?? ''}`.trim();
  const columns = stringsOf(con.keys);
  const name = con.conname ? { name: con.conname } : {};
  switch (con.contype) {
    case 'CONSTR_UNIQUE':
      return con.indexname || con.including?.length
        ? 'UNIQUE USING INDEX / INCLUDE has no planner'
        : planAddUnique({ ...ref, ...name, columns }, server);
    case 'CONSTR_PRIMARY':
      return con.indexname || con.including?.length
        ? 'PRIMARY KEY USING INDEX / INCLUDE has no planner'
        : planAddPrimaryKey({ ...ref, ...name, columns }, server);
    case 'CONSTR_CHECK': {
      const expression = checkExpressionText(text, s, con.location ?? 0);
      const checkName = con.conname ?? `${ref.table}_check`;
      return expression
        ? planAddCheck({ ...ref, name: checkName, expression }, server)
        : 'the CHECK expression could not be read back';
    }
    case 'CONSTR_FOREIGN': {
      if (con.fk_matchtype === 'f' || !con.pktable?.relname) return 'MATCH FULL has no planner';
      const refColumns = stringsOf(con.pk_attrs);
      if (refColumns.length === 0) return 'REFERENCES without column names: the planner needs them';
      return planAddForeignKey(
        {
          ...ref,
          ...name,
          columns: stringsOf(con.fk_attrs),
          references: {
            table: con.pktable.relname,
            ...(con.pktable.schemaname ? { schema: con.pktable.schemaname } : {}),
            columns: refColumns,
          },
          ...action('onDelete', con.fk_del_action),
          ...action('onUpdate', con.fk_upd_action),
        },
        server,
      );
    }
    default:
      return `no planner for ${con.contype ?? 'this constraint'}`;
  }
}

const ACTIONS: Record<string, string> = { r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
const action = (key: 'onDelete' | 'onUpdate', code: string | undefined) =>
  code && ACTIONS[code] ? { [key]: ACTIONS[code] } : {};

function planAddColumnFrom(
  text: string,
  s: PgStatement,
  ref: TableRef,
  col: ColumnDef,
  server: ServerInfo,
): Plan | string {
  const constraints = constraintsOf(col);
  // Other inline constraints (UNIQUE, REFERENCES, CHECK, identity…) have planners of their own.
  if (constraints.some((c) => c.contype !== 'CONSTR_DEFAULT' && c.contype !== 'CONSTR_NOTNULL'))
    return 'ADD COLUMN with inline constraints other than DEFAULT / NOT NULL: add them in statements of their own';
  const type = typeSql(col);
  if (!col.colname || !type) return 'serial and unnamed column types have no planner';
  const def = constraints.find((c) => c.contype === 'CONSTR_DEFAULT');
  const defaultSql = def ? defaultExpressionText(text, s, def.location ?? 0) : undefined;
  if (def && !defaultSql) return 'the DEFAULT expression could not be read back';
  return planAddColumn(
    {
      ...ref,
      column: col.colname,
      type,
      ...(defaultSql ? { default: { sql: defaultSql } } : {}),
      notNull: constraints.some((c) => c.contype === 'CONSTR_NOTNULL'),
    },
    server,
  );
}

/** The column type as SQL. Catalog types by their SQL names; others quoted by the one quoter. */
function typeSql(col: ColumnDef): string | undefined {
  const t = col.typeName;
  const names = stringsOf(t?.names);
  if (names.length === 0 || /serial$/.test(typeBase(t))) return undefined;
  const catalog = names[0] === 'pg_catalog' && names.length === 2;
  const base = catalog ? (CATALOG_TYPE_NAMES[names[1]!] ?? names[1]!) : ident('postgres', names.join('.'));
  const mods = typeMods(t);
  const withMods = mods.length ? base.replace(/^(\S+)/, `$1(${mods.join(',')})`) : base;
  // Type modifiers go right after the first word: timestamp(3) with time zone.
  return `${withMods}${t?.arrayBounds?.length ? '[]' : ''}`;
}

function indexInput(index: IndexStmt, s: PgStatement) {
  if (!index.relation?.relname || index.indexIncludingParams?.length || index.nulls_not_distinct)
    return 'INCLUDE and NULLS NOT DISTINCT indexes have no planner';
  const elems = nodesOf(index.indexParams, 'IndexElem');
  const plain = elems.every(
    (e) =>
      e.name &&
      !e.expr &&
      !e.opclass?.length &&
      !e.collation?.length &&
      (e.ordering ?? 'SORTBY_DEFAULT') === 'SORTBY_DEFAULT',
  );
  if (!plain || elems.length === 0)
    return 'expression, opclass, collation or ordered index columns have no planner';
  const where = index.whereClause ? indexPredicateText(s) : undefined;
  if (index.whereClause && !where) return 'the index predicate could not be read back';
  return {
    table: index.relation.relname,
    ...(index.relation.schemaname ? { schema: index.relation.schemaname } : {}),
    columns: elems.map((e) => e.name!),
    ...(index.idxname ? { name: index.idxname } : {}),
    ...(index.unique ? { unique: true } : {}),
    ...(where ? { where } : {}),
    ...(index.accessMethod && index.accessMethod !== 'btree' ? { method: index.accessMethod } : {}),
  };
}
