/**
 * Fixes are plans: a flagged statement is translated into the input of a core/ops planner, the
 * planner decides the safe sequence for the target server, and the steps are rendered as SQL.
 * There is no second idea of what is safe here: a statement no planner covers gets no fix.
 *
 * Backfill steps are rendered as a DO block that updates 1,000 rows per transaction (COMMIT in
 * DO needs PostgreSQL 11+ and no surrounding transaction, so it is a non-transactional step); in
 * production core's `runBackfill` (Knex `b.backfill`) runs the same step with checkpoints and
 * throttling. Before PostgreSQL 11 plain SQL cannot commit in a loop: no fix, the finding stays.
 */
import type { AlterTableCmd, ColumnDef, IndexStmt } from 'libpg-query';
import { quoteIdent, quoteQualified } from '../dialects/quote.js';
import { type ServerInfo, serverInfoFor } from '../dialects/server.js';
import { planAddCheck } from '../ops/add-check.js';
import { planAddColumn } from '../ops/add-column.js';
import { planAddForeignKey } from '../ops/add-foreign-key.js';
import { planAddPrimaryKey } from '../ops/add-primary-key.js';
import { planAddUnique } from '../ops/add-unique.js';
import { planCreateIndex } from '../ops/create-index.js';
import { planDropIndex } from '../ops/drop-index.js';
import { planSetNotNull } from '../ops/set-not-null.js';
import type { BackfillStep, Plan } from '../plan.js';
import { RUN_DEFAULTS } from '../run/options.js';
import { ident } from './define.js';
import { planMysqlStatement } from './fix-mysql.js';
import { checkExpressionText, defaultExpressionText, indexPredicateText } from './fix-text.js';
import {
  CATALOG_TYPE_NAMES,
  constraintsOf,
  nodeOf,
  nodesOf,
  stringsOf,
  typeBase,
  typeMods,
} from './pg-ast.js';
import type { Finding, LintContext, PgStatement, Statement } from './types.js';

export interface FixedStep {
  readonly sql: string;
  readonly transactional: boolean;
  /** The plan it belongs to, e.g. `set-not-null users.name`. */
  readonly plan: string;
}

export interface FixedStatement {
  /** Rule ids whose findings this plan resolves. */
  readonly rules: readonly string[];
  readonly steps: readonly FixedStep[];
  /** The steps rendered as SQL, for the finding's `fix` field. */
  readonly text: string;
}

export const LOCK_TIMEOUT_SQL = `SET lock_timeout = '${RUN_DEFAULTS.lockTimeoutMs}ms'`;
/** lock_wait_timeout counts whole seconds; 1 is its minimum. */
export const MYSQL_LOCK_TIMEOUT_SQL = `SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(RUN_DEFAULTS.lockTimeoutMs / 1000))}`;

/** Findings a plan resolves when it replaces the statement (the rest stay reported). */
const PLANNED_RULES = new Set([
  'require-constant-default-for-new-column',
  'require-check-constraint-before-set-not-null',
  'require-concurrent-index-creation',
  'ban-concurrent-index-in-transaction',
  'require-concurrent-index-deletion',
  'require-not-valid-foreign-key',
  'require-not-valid-check-constraint',
  'require-existing-index-for-unique-constraint',
  'require-existing-index-for-primary-key',
  'require-lock-timeout',
  'require-online-ddl-clauses',
]);

/** `--pg-version 14` means the newest 14.x: planners refuse known-broken minors (14.0–14.3). */
export const serverForLint = (pgVersion: number): ServerInfo =>
  serverInfoFor(Math.max(pgVersion, 10) * 10000 + 99);

export function fixStatement(
  ctx: LintContext,
  s: Statement,
  findings: readonly Finding[],
  text: string,
): FixedStatement | undefined {
  const fixable = findings.filter((f) => PLANNED_RULES.has(f.rule) && f.rule !== 'require-lock-timeout');
  if (fixable.length === 0) return undefined;
  const server = serverForLint(ctx.options.pgVersion);
  let plans: Plan[] | undefined;
  try {
    plans =
      s.dialect === 'postgres' ? planStatement(text, s, server) : planMysqlStatement(s, ctx.options.mysql);
  } catch {
    // The planner refused (e.g. NOT NULL without a default): no automatic fix, the finding stays.
    return undefined;
  }
  if (!plans) return undefined;
  const steps: FixedStep[] = [];
  for (const p of plans) {
    for (const step of p.steps) {
      const rendered = renderStep(step, server);
      // No SQL rendering means no honest fix: the finding stays and its help says what to run.
      if (!rendered) return undefined;
      steps.push({ ...rendered, plan: `${p.operation} ${p.target}` });
    }
  }
  return {
    rules: fixable.map((f) => f.rule),
    steps,
    text: steps.map((st) => `${st.sql};${st.transactional ? '' : '  -- outside a transaction'}`).join('\n'),
  };
}

function renderStep(step: Plan['steps'][number], server: ServerInfo): Omit<FixedStep, 'plan'> | undefined {
  if (step.kind === 'sql') return { sql: step.sql, transactional: step.transactional };
  if (step.kind === 'backup') return undefined;
  const sql = renderBackfill(step, server);
  return sql === undefined ? undefined : { sql, transactional: false };
}

/** The batched DO block; undefined when it cannot be written (no WHERE to resume by, PG < 11). */
function renderBackfill(step: BackfillStep, server: ServerInfo): string | undefined {
  const b = step.backfill;
  if (!b.where || server.versionNum < 110000) return undefined;
  const table = quoteQualified('postgres', b.schema ? { schema: b.schema, name: b.table } : b.table);
  const set = Object.entries(b.set)
    .map(([col, expr]) => `${quoteIdent('postgres', col)} = ${expr}`)
    .join(', ');
  return [
    `DO $ballast$ -- ${step.description}`,
    'DECLARE batch_rows bigint;',
    'BEGIN',
    '  LOOP',
    `    UPDATE ${table} SET ${set} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${b.where} LIMIT 1000));`,
    '    GET DIAGNOSTICS batch_rows = ROW_COUNT;',
    '    EXIT WHEN batch_rows = 0;',
    '    COMMIT;',
    '  END LOOP;',
    'END',
    '$ballast$',
  ].join('\n');
}

/** Statement → planner inputs → plans; undefined when some part has no planner. */
function planStatement(text: string, s: PgStatement, server: ServerInfo): Plan[] | undefined {
  const index = nodeOf(s.node, 'IndexStmt');
  if (index) {
    const input = indexInput(index, s);
    return input && [planCreateIndex(input, server)];
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
      if (!plan) return undefined;
      plans.push(plan);
    }
    return plans;
  }
  return undefined;
}

type TableRef = { table: string; schema?: string };

function planAlterCommand(
  text: string,
  s: PgStatement,
  ref: TableRef,
  cmd: AlterTableCmd,
  server: ServerInfo,
) {
  if (cmd.subtype === 'AT_SetNotNull' && cmd.name)
    return planSetNotNull({ ...ref, column: cmd.name }, server);
  const col = cmd.subtype === 'AT_AddColumn' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
  if (col) return planAddColumnFrom(text, s, ref, col, server);
  const con = cmd.subtype === 'AT_AddConstraint' ? nodeOf(cmd.def, 'Constraint') : undefined;
  if (!con) return undefined;
  const columns = stringsOf(con.keys);
  const name = con.conname ? { name: con.conname } : {};
  switch (con.contype) {
    case 'CONSTR_UNIQUE':
      return con.indexname || con.including?.length
        ? undefined
        : planAddUnique({ ...ref, ...name, columns }, server);
    case 'CONSTR_PRIMARY':
      return con.indexname || con.including?.length
        ? undefined
        : planAddPrimaryKey({ ...ref, ...name, columns }, server);
    case 'CONSTR_CHECK': {
      const expression = checkExpressionText(text, s, con.location ?? 0);
      const checkName = con.conname ?? `${ref.table}_check`;
      return expression ? planAddCheck({ ...ref, name: checkName, expression }, server) : undefined;
    }
    case 'CONSTR_FOREIGN': {
      if (con.fk_matchtype === 'f' || !con.pktable?.relname) return undefined;
      const refColumns = stringsOf(con.pk_attrs);
      if (refColumns.length === 0) return undefined; // REFERENCES t without columns: the planner needs them
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
      return undefined;
  }
}

const ACTIONS: Record<string, string> = { r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
const action = (key: 'onDelete' | 'onUpdate', code: string | undefined) =>
  code && ACTIONS[code] ? { [key]: ACTIONS[code] } : {};

function planAddColumnFrom(text: string, s: PgStatement, ref: TableRef, col: ColumnDef, server: ServerInfo) {
  const constraints = constraintsOf(col);
  // Other inline constraints (UNIQUE, REFERENCES, CHECK, identity…) have planners of their own.
  if (constraints.some((c) => c.contype !== 'CONSTR_DEFAULT' && c.contype !== 'CONSTR_NOTNULL'))
    return undefined;
  const type = typeSql(col);
  if (!col.colname || !type) return undefined;
  const def = constraints.find((c) => c.contype === 'CONSTR_DEFAULT');
  const defaultSql = def ? defaultExpressionText(text, s, def.location ?? 0) : undefined;
  if (def && !defaultSql) return undefined;
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
    return undefined;
  const elems = nodesOf(index.indexParams, 'IndexElem');
  const plain = elems.every(
    (e) =>
      e.name &&
      !e.expr &&
      !e.opclass?.length &&
      !e.collation?.length &&
      (e.ordering ?? 'SORTBY_DEFAULT') === 'SORTBY_DEFAULT',
  );
  if (!plain || elems.length === 0) return undefined;
  const where = index.whereClause ? indexPredicateText(s) : undefined;
  if (index.whereClause && !where) return undefined;
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
