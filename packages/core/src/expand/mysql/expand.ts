import type { Database } from '../../db.js';
import { readMysqlServerInfo } from '../../dialects/mysql/server.js';
import { requireTriggerCreation } from '../../dialects/mysql/trigger-privilege.js';
import { displayName, type ResolvedTableRef, type TableRef } from '../../dialects/table-ref.js';
import { BallastError, UnsafeOperationError } from '../../errors.js';
import { setNotNullMysql } from '../../online-copy/columns.js';
import { type ChangeColumnTypeRequest, defaultNewColumn } from '../../ops/change-column-type.js';
import { dropIndexStep } from '../../ops/mysql/alter.js';
import { requireFragment, requireIdentifiers } from '../../ops/shared.js';
import { freezePlan, type Plan } from '../../plan.js';
import type { RunOptions, RunReport } from '../../run/options.js';
import { runPlan } from '../../run/run-plan.js';
import type { ExpansionKind } from '../catalog.js';
import {
  columnDefault,
  deleteMysqlExpansion,
  ensureMysqlExpansions,
  insertMysqlExpansion,
  type MysqlExpansion,
  selectMysqlExpansions,
} from './catalog.js';
import { readMysqlColumnFacts, requireMysqlExpandable } from './facts.js';
import { fillJob, fillThroughTriggers, forgetFill } from './fill.js';
import { requireNoPendingMysqlExpansion, requireNullPreservingMysql } from './guards.js';
import { requireMysqlExpansionInPlace } from './in-place.js';
import { planExpandMysql } from './plan-expand.js';
import { mysqlSyncNames } from './triggers.js';

/**
 * renameColumn / changeColumnType / undoExpand on MySQL/MariaDB: the same API and phases as on
 * PostgreSQL (docs/expand-contract.md, "MySQL and MariaDB").
 */
interface ExpandRequest extends TableRef {
  readonly kind: ExpansionKind;
  readonly column: string;
  readonly newColumn: string;
  /** undefined: the old column's own type (a rename). */
  readonly newType?: string | undefined;
  readonly forward?: string | undefined;
  readonly backward?: string | undefined;
}

export const renameColumnMysqlExpand = (
  db: Database,
  input: TableRef & { readonly from: string; readonly to: string },
  options: RunOptions,
) =>
  expandMysql(
    db,
    {
      table: input.table,
      schema: input.schema,
      kind: 'rename-column',
      column: input.from,
      newColumn: input.to,
    },
    options,
  );

export const changeColumnTypeMysqlExpand = (
  db: Database,
  input: ChangeColumnTypeRequest,
  options: RunOptions,
) =>
  expandMysql(
    db,
    {
      table: input.table,
      schema: input.schema,
      kind: 'change-column-type',
      column: input.column,
      newColumn: input.newColumn ?? defaultNewColumn(input.column),
      newType: input.newType,
      forward: input.using,
      backward: input.reverseUsing,
    },
    options,
  );

async function expandMysql(db: Database, input: ExpandRequest, options: RunOptions): Promise<RunReport> {
  const t0 = performance.now();
  const where = `expand ${displayName(input)}.${input.column} → ${input.newColumn}`;
  requireIdentifiers(where, 'column', [input.column, input.newColumn]);
  if (input.column === input.newColumn) {
    throw new UnsafeOperationError(`${where}: the new column must have another name`, {
      where,
      hint: 'pass another `to` / `newColumn`',
    });
  }
  const forward =
    input.forward === undefined ? undefined : requireFragment(where, 'using', input.forward, 'mysql');
  const backward =
    input.backward === undefined
      ? undefined
      : requireFragment(where, 'reverseUsing', input.backward, 'mysql');
  const newType =
    input.newType === undefined ? undefined : requireFragment(where, 'type', input.newType, 'mysql');
  const server = await db.withSession(readMysqlServerInfo);
  const { facts, ref } = await db.withSession(async (s) => {
    await ensureMysqlExpansions(s);
    const facts = await readMysqlColumnFacts(s, input, input.column, where);
    const ref: ResolvedTableRef = { table: input.table, schema: facts.schema };
    await requireNoPendingMysqlExpansion(s, ref, input, where);
    await requireTriggerCreation(s, where);
    const names = mysqlSyncNames(ref.table, input.column);
    await requireMysqlExpandable(s, ref, { ...input, insertTrigger: names.insertTrigger }, where);
    await requireNullPreservingMysql(
      s,
      [
        ...(forward ? [{ option: 'using', expression: forward, column: input.column }] : []),
        ...(backward ? [{ option: 'reverseUsing', expression: backward, column: input.newColumn }] : []),
      ],
      where,
    );
    return { facts, ref };
  });
  const planned = planExpandMysql(
    { ...input, forward, backward, newType: newType ?? facts.column.type, facts },
    server,
  );
  // Not journaled: each step's done-probe makes a rerun skip it, and a failed fill undoes them.
  const { migration: _m, ...run } = options;
  const first = await runPlan(db, planned.attach, run);
  const job = fillJobOf(planned.id, options);
  try {
    await fillThroughTriggers(db, ref, { target: input.newColumn, source: input.column }, job, options);
  } catch (error) {
    // E.g. a value `using` cannot convert: the triggers would refuse such writes from now on.
    await runPlan(db, reversedPlan(planned.attach), run).catch(() => {});
    await forgetFill(db, job).catch(() => {});
    throw error;
  }
  // Filled: a later expand of the same names (after a contract or an undo) must fill again. A
  // rerun of this one only rescans: filled rows no longer match.
  await forgetFill(db, job);
  await runPlan(db, planned.indexes, run);
  // NOT NULL last, refused while a row holds NULL (the old column allowed none: only a
  // conversion giving NULL can leave one); an in-place rebuild, reads and writes continue.
  if (facts.column.notNull) {
    await setNotNullMysql(db, { ...ref, column: input.newColumn }, { ...options, lock: false });
  }
  await db.withSession(async (s) => {
    const [found] = await selectMysqlExpansions(s, { ...ref, column: input.column, status: 'expanded' });
    if (found) return;
    await insertMysqlExpansion(s, {
      kind: input.kind,
      schema: ref.schema,
      table: ref.table,
      oldColumn: input.column,
      newColumn: input.newColumn,
      oldType: facts.column.type,
      newType: newType ?? facts.column.type,
      oldDefault: columnDefault(facts.column),
      forward: forward ?? null,
      backward: backward ?? null,
      syncFunction: mysqlSyncNames(ref.table, input.column).updateTrigger,
      syncTrigger: mysqlSyncNames(ref.table, input.column).insertTrigger,
      migration: options.migration ?? null,
      oldDefinition: JSON.stringify(facts.column),
      oldIndexes: facts.indexes,
    });
  });
  return { ...first, ms: performance.now() - t0 };
}

/**
 * Undoes an expand (the `down()` of the expanding migration): the record, the triggers and the
 * new column go, after checking the table still is the expanded one.
 */
export async function undoExpandMysql(
  db: Database,
  ref: TableRef & { readonly column: string },
  options: RunOptions,
): Promise<RunReport> {
  const e = await findMysqlExpansion(db, ref, ref.column, 'expanded');
  await db.withSession((s) => requireMysqlExpansionInPlace(s, e, 'undo expand'));
  const server = await db.withSession(readMysqlServerInfo);
  const facts = await db.withSession((s) => readMysqlColumnFacts(s, e, e.oldColumn, 'undo expand'));
  const planned = planExpandMysql(
    { ...e, column: e.oldColumn, forward: e.forward ?? undefined, backward: e.backward ?? undefined, facts },
    server,
  );
  // Forgotten first: a record without its triggers would make contract refuse, not the reverse.
  await db.withSession((s) => deleteMysqlExpansion(s, e.id));
  const { migration: _m, ...run } = options;
  // The copied indexes first: InnoDB drops a column's indexes with it, but not INSTANT.
  const copied = await db.withSession((s) => readMysqlColumnFacts(s, e, e.newColumn, 'undo expand'));
  await runPlan(
    db,
    freezePlan({
      ...planned.indexes,
      steps: copied.indexes.map((i) =>
        dropIndexStep(e, i.name, `${planned.id}:drop-index:${i.name}`, server.capabilities),
      ),
    }),
    run,
  );
  return runPlan(db, reversedPlan(planned.attach), run);
}

export const reversedPlan = (plan: Plan): Plan =>
  freezePlan({
    operation: `${plan.operation} (reverse)`,
    target: plan.target,
    steps: plan.reverse,
    reverse: [],
    notes: [],
  });

export async function findMysqlExpansion(
  db: Database,
  ref: TableRef,
  column: string,
  status: 'expanded' | 'contracted',
): Promise<MysqlExpansion> {
  const found = await db.withSession((s) =>
    selectMysqlExpansions(s, { table: ref.table, schema: ref.schema, column, status }),
  );
  const e = found.at(-1);
  if (e) return e;
  throw new BallastError(`no ${status} expansion of ${displayName(ref)}.${column}`, {
    where: `${displayName(ref)}.${column}`,
    hint: 'pendingContractions(db) lists the expansions awaiting contract; pass the old or the new column name',
  });
}

/** The fill's checkpoint: the Knex helper's per-call job when given, else per journal key. */
const fillJobOf = (id: string, options: RunOptions) => {
  const given = (options.backfill as { job?: unknown } | undefined)?.job;
  return typeof given === 'string' ? given : fillJob(id, options);
};
