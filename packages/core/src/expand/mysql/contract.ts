import { restoreBackup } from '../../backup/index.js';
import { mysqlBackupById, selectMysqlBackups } from '../../backup/mysql-catalog.js';
import { dropColumnMysql } from '../../backup/mysql-column.js';
import type { Database } from '../../db.js';
import type { MysqlServerInfo } from '../../dialects/mysql/server.js';
import { readMysqlServerInfo } from '../../dialects/mysql/server.js';
import { requireTriggerCreation } from '../../dialects/mysql/trigger-privilege.js';
import { quoteIdent } from '../../dialects/quote.js';
import { displayName, type ResolvedTableRef } from '../../dialects/table-ref.js';
import { BallastError } from '../../errors.js';
import { type MysqlColumn, readMysqlColumn, renderMysqlColumn } from '../../online-copy/columns.js';
import { dropIndexStep, onlineAlterStep } from '../../ops/mysql/alter.js';
import { freezePlan, type Step } from '../../plan.js';
import type { RunOptions, RunReport } from '../../run/options.js';
import { runPlan } from '../../run/run-plan.js';
import type { ContractOptions, ContractResult } from '../index.js';
import { columnDefault, type MysqlExpansion, setMysqlExpansionStatus } from './catalog.js';
import { findMysqlExpansion } from './expand.js';
import { readMysqlColumnFacts } from './facts.js';
import { fillThroughTriggers, forgetFill } from './fill.js';
import { requireNoPendingMysqlExpansion } from './guards.js';
import { requireMysqlExpansionInPlace } from './in-place.js';
import { addIndexStep, syncSpecOfMysql } from './plan-expand.js';
import { createMysqlSyncSteps, dropMysqlSyncSteps } from './triggers.js';

const q = (name: string) => quoteIdent('mysql', name);
const refOf = (e: MysqlExpansion): ResolvedTableRef => ({ table: e.table, schema: e.schema });
const idOf = (e: MysqlExpansion, phase: string) =>
  `${phase}:${displayName(refOf(e))}.${e.oldColumn}:${e.newColumn}`;

const plan = (e: MysqlExpansion, operation: string, steps: Step[]) =>
  freezePlan({
    operation,
    target: `${displayName(refOf(e))}.${e.oldColumn} → ${e.newColumn}`,
    steps,
    reverse: [],
    notes: [],
  });
const run = (db: Database, e: MysqlExpansion, operation: string, steps: Step[], options: RunOptions) =>
  runPlan(db, plan(e, operation, steps), options);

/** `ALTER COLUMN c SET DEFAULT x` / `DROP DEFAULT`: metadata only (facts table: `column-default`). */
const defaultStep = (
  e: MysqlExpansion,
  server: MysqlServerInfo,
  column: string,
  value: string | null,
  id: string,
) =>
  onlineAlterStep({
    kind: 'column-default',
    caps: server.capabilities,
    id,
    description: `${value === null ? 'drop the default of' : `default ${value} on`} ${displayName(refOf(e))}.${column} (metadata only)`,
    table: refOf(e),
    clause: `ALTER COLUMN ${q(column)} ${value === null ? 'DROP DEFAULT' : `SET DEFAULT ${value}`}`,
    timeout: 'ddl',
    lock: 'METADATA EXCLUSIVE',
  });

/** `MODIFY` restating the column (type, comment kept): an in-place rebuild, reads and writes continue. */
const modifyStep = (
  e: MysqlExpansion,
  server: MysqlServerInfo,
  column: string,
  def: MysqlColumn,
  id: string,
  why: string,
) =>
  onlineAlterStep({
    kind: 'set-not-null',
    caps: server.capabilities,
    id,
    description: `${displayName(refOf(e))}.${column} ${why} (rebuilt in place: reads and writes continue)`,
    table: refOf(e),
    clause: `MODIFY COLUMN ${q(column)} ${renderMysqlColumn(def)}`,
    timeout: 'long',
  });

/**
 * Contract on MySQL/MariaDB, while the triggers still keep both columns equal:
 * 1. the old column's default goes to the new column (nothing writes the old one any more, so a
 *    default on the new one cannot hide an old-version write);
 * 2. the old column stops requiring a value and loses its default (its NOT NULL would refuse
 *    inserts that omit it once the triggers are gone; its default would be restored by an undo
 *    and hide the rows written since);
 * 3. its values are copied, keyed by primary key, by dropColumn's backup path (checkpointed),
 *    then the triggers are dropped and the column right after them.
 */
export async function contractMysql(
  db: Database,
  ref: { readonly table: string; readonly schema?: string | undefined; readonly column: string },
  options: ContractOptions,
): Promise<ContractResult> {
  const t0 = performance.now();
  const e = await findMysqlExpansion(db, ref, ref.column, 'expanded');
  const inPlace = await db.withSession((s) => requireMysqlExpansionInPlace(s, e, 'contract', true));
  const server = await db.withSession(readMysqlServerInfo);
  const { retentionDays, batchSize, backupMigration, ignoreVerifyMismatches: _i, ...runOptions } = options;
  const id = idOf(e, 'contract');
  const sync = syncSpecOfMysql(refOf(e), { column: e.oldColumn, newColumn: e.newColumn });
  const done: RunReport['steps'][number][] = [];
  const runSteps = async (steps: Step[]) => {
    done.push(...(await run(db, e, 'contract', steps, runOptions)).steps);
  };
  const dropTriggers = () => runSteps(dropMysqlSyncSteps(sync, id));
  const migration = backupMigration ?? options.migration;
  const dropOld = () =>
    dropColumnMysql(
      db,
      { ...refOf(e), column: e.oldColumn },
      {
        ...(migration ? { migration } : {}),
        ...(retentionDays !== undefined ? { retentionDays } : {}),
        ...(batchSize !== undefined ? { batchSize } : {}),
        ...(options.progress ? { progress: options.progress } : {}),
        run: runOptions,
      },
      { beforeDrop: dropTriggers },
    );
  let backupId: number;
  if (inPlace.oldColumn) {
    const now = (await db.withSession((s) => readMysqlColumn(s, refOf(e), e.oldColumn)))!;
    const newNow = (await db.withSession((s) => readMysqlColumn(s, refOf(e), e.newColumn)))!;
    const steps: Step[] = [];
    if (e.oldDefault !== null && newNow.defaultSql !== e.oldDefault)
      steps.push(defaultStep(e, server, e.newColumn, e.oldDefault, `${id}:new-default`));
    if (now.notNull)
      steps.push(
        modifyStep(
          e,
          server,
          e.oldColumn,
          { ...now, notNull: false, defaultSql: null },
          `${id}:relax-old`,
          'allows NULL, no default',
        ),
      );
    else if (columnDefault(now) !== null)
      steps.push(defaultStep(e, server, e.oldColumn, null, `${id}:old-default`));
    // InnoDB drops a column's indexes with it, but not with ALGORITHM=INSTANT (MariaDB: "Reason:
    // DROP INDEX"): they go first, in place.
    for (const index of await db
      .withSession((s) => readMysqlColumnFacts(s, refOf(e), e.oldColumn, 'contract'))
      .then((f) => f.indexes))
      steps.push(dropIndexStep(refOf(e), index.name, `${id}:drop-index:${index.name}`, server.capabilities));
    if (steps.length > 0) await runSteps(steps);
    backupId = (await dropOld()).id;
  } else {
    // A rerun after the drop: the backup that drop made (marked ready by dropColumn if the crash
    // came between its drop and that mark).
    const found = await db.withSession((s) => selectMysqlBackups(s, { table: e.table, column: e.oldColumn }));
    const last = found
      .filter((b) => b.sourceSchema === e.schema && (b.status === 'ready' || b.status === 'copying'))
      .at(-1);
    if (last?.status === 'copying') backupId = (await dropOld()).id;
    else if (!last) {
      throw new BallastError(
        `contract ${displayName(refOf(e))}.${e.oldColumn}: the column is gone and no backup of it exists`,
        {
          where: `${displayName(refOf(e))}.${e.oldColumn}`,
          hint: 'it was dropped outside Ballast; mark the expansion contracted by hand if that was intended',
        },
      );
    } else backupId = last.id;
  }
  await dropTriggers();
  await db.withSession((s) => setMysqlExpansionStatus(s, e.id, 'contracted', backupId));
  const report: RunReport = {
    operation: 'contract',
    target: `${displayName(refOf(e))}.${e.oldColumn} → ${e.newColumn}`,
    steps: done,
    ms: performance.now() - t0,
  };
  return { report, expansion: e, backupId };
}

/**
 * Undoes a contract on MySQL/MariaDB: the old column back from its backup (dropColumn's restore:
 * added nullable, filled by primary key), the triggers attached again, the new column's default
 * dropped (NULL must mean "not written" again), rows written since the contract filled from the
 * new column (`reverseUsing`), the old column's indexes rebuilt in place under their names, then
 * its definition (NOT NULL, default) restated. Expanded again, as after expand.
 */
export async function undoContractMysql(
  db: Database,
  ref: { readonly table: string; readonly schema?: string | undefined; readonly column: string },
  options: ContractOptions,
): Promise<RunReport> {
  const t0 = performance.now();
  const e = await findMysqlExpansion(db, ref, ref.column, 'contracted');
  const where = `undo contract ${displayName(refOf(e))}.${e.oldColumn} → ${e.newColumn}`;
  if (e.backupId === null) {
    throw new BallastError(`${where}: no backup was recorded`, {
      where: `${e.table}.${e.oldColumn}`,
      hint: 'restore the column by hand; listBackups(db, { includeHistory: true }) shows what exists',
    });
  }
  await db.withSession(async (s) => {
    await requireMysqlExpansionInPlace(s, e, 'undo contract');
    await requireTriggerCreation(s, where);
    await requireNoPendingMysqlExpansion(s, refOf(e), { column: e.oldColumn, newColumn: e.newColumn }, where);
  });
  const {
    retentionDays: _r,
    batchSize: _b,
    backupMigration,
    ignoreVerifyMismatches: _i,
    ...runOptions
  } = options;
  const backup = await db.withSession((s) => mysqlBackupById(s, e.backupId!));
  if (backup.status === 'ready') {
    await restoreBackup(db, backup.id, {
      ...((backupMigration ?? options.migration) ? { migration: backupMigration ?? options.migration } : {}),
      ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.progress ? { progress: options.progress } : {}),
    });
  }
  const server = await db.withSession(readMysqlServerInfo);
  const id = idOf(e, 'undo-contract');
  const sync = syncSpecOfMysql(refOf(e), {
    column: e.oldColumn,
    newColumn: e.newColumn,
    forward: e.forward,
    backward: e.backward,
  });
  const def = JSON.parse(e.oldDefinition) as MysqlColumn;
  const newNow = (await db.withSession((s) => readMysqlColumn(s, refOf(e), e.newColumn)))!;
  const steps: Step[] = [
    ...createMysqlSyncSteps(sync, id),
    ...(columnDefault(newNow) !== null
      ? [defaultStep(e, server, e.newColumn, null, `${id}:new-default`)]
      : []),
  ];
  const { migration: _m, ...run } = runOptions;
  await runPlan(db, plan(e, 'undo-contract', steps), run);
  // Rows written since the contract: their old value from the new column (`reverseUsing`).
  const job = `${options.migration ?? 'undo-contract'}:${id}:fill`;
  await fillThroughTriggers(db, refOf(e), { target: e.oldColumn, source: e.newColumn }, job, runOptions);
  const rest: Step[] = [
    ...e.oldIndexes.map((index) =>
      addIndexStep(refOf(e), e.oldColumn, { ...index, as: index.name }, server, id),
    ),
    ...(def.notNull || columnDefault(def) !== null
      ? [modifyStep(e, server, e.oldColumn, def, `${id}:definition`, 'gets its NOT NULL and default back')]
      : []),
  ];
  const report = await runPlan(db, plan(e, 'undo-contract', rest), run);
  await forgetFill(db, job).catch(() => {});
  await db.withSession((s) => setMysqlExpansionStatus(s, e.id, 'expanded', null));
  return { ...report, ms: performance.now() - t0 };
}
