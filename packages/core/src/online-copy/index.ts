import { BACKFILL_DEFAULTS } from '../backfill/defaults.js';
import { type LoopTuning, loopOptionsOf } from '../backfill/index.js';
import { runBatchLoop } from '../backfill/loop.js';
import { readMysqlCheckpoint } from '../backfill/mysql/checkpoints.js';
import { mysqlReplicaLagThrottle, threadsRunningThrottle } from '../backfill/mysql/throttles.js';
import { atMostEvery, THROTTLE_CHECK_MS } from '../backfill/throttle.js';
import type { Throttle } from '../backfill/types.js';
import { BACKUP_CATALOG } from '../backup/catalog.js';
import { insertMysqlTableBackup, setMysqlBackupStatus } from '../backup/mysql-catalog.js';
import { unusedTableName } from '../backup/mysql-ddl.js';
import type { Database, Session } from '../db.js';
import { quoteQualified } from '../dialects/quote.js';
import { requireDatabaseDialect } from '../dialects/server.js';
import { displayName } from '../dialects/table-ref.js';
import { InvalidArgumentError, UnsafeOperationError, WrongContextError } from '../errors.js';
import { requireFragment, sqlStep } from '../ops/shared.js';
import { freezePlan, type SqlStep } from '../plan.js';
import { withMigratorLock } from '../run/migrator-lock.js';
import { RUN_DEFAULTS, type RunOptions } from '../run/options.js';
import { runPlan } from '../run/run-plan.js';
import { ChecksumMismatchError, type ChecksumReport, verifyCopy } from './checksum.js';
import { copySource, takesGapLocks } from './copy.js';
import { copyNames, defaultCopyJob, oldTableName } from './names.js';
import { columnsToCompare, readCopyTable, storedColumns } from './preflight.js';
import { type MysqlCredentials, runPtOnlineSchemaChange } from './pt-osc.js';
import { dropTriggerSql, triggerStatements } from './triggers.js';

export { ChecksumMismatchError } from './checksum.js';
export { type MysqlCredentials, PtOnlineSchemaChangeError } from './pt-osc.js';

/** Who copies: Ballast's own online copy, or pt-online-schema-change with its defaults. */
export const COPY_VIA = ['ballast', 'pt-osc'] as const;

export interface OnlineCopySpec {
  readonly table: string;
  readonly schema?: string | undefined;
  /** ALTER TABLE clauses for the new definition, SQL (e.g. `MODIFY \`n\` BIGINT NOT NULL`). */
  readonly alter: readonly string[];
}

export interface OnlineCopyOptions
  extends Pick<RunOptions, 'lockTimeoutMs' | 'retry' | 'log' | 'progress' | 'lock'> {
  /** Checkpoint name; default per table and clauses. Rerun with it to resume after a crash. */
  readonly job?: string;
  /** Recorded on the backup's catalog row (the migration's `down()` finds it). Default the job. */
  readonly migration?: string;
  /** Days the old table is kept before `purgeBackups` may drop it. Default 7. */
  readonly retentionDays?: number;
  /** Pause batches while `Threads_running` exceeds this. Default 25 (pt-osc's --max-load). */
  readonly maxThreadsRunning?: number;
  /** Pause batches while SHOW REPLICA STATUS reports more lag than this. Default 5000; 0 disables. */
  readonly maxReplicaLagMs?: number;
  /** The column the change is about, recorded on the backup (its definition before the change). */
  readonly column?: { readonly name: string; readonly definition: string };
  /**
   * Compare table and shadow before the swap, value by value as the server compares the old type
   * with the new one. true (default): each batch compares its range inside its own transaction,
   * right after copying it (row count, and the values of the columns the change redefined);
   * 'full': that, and a second pass comparing every column of both whole tables after the copy
   * (it also covers rows the triggers rewrote later); false: no comparison.
   */
  readonly verify?: boolean | 'full';
  /**
   * 'pt-osc': delegate the copy to pt-online-schema-change (its defaults, `--no-drop-old-table`:
   * the old table is kept and recorded as for Ballast's copy). Needs `credentials`. Default 'ballast'.
   */
  readonly via?: (typeof COPY_VIA)[number];
  /** How pt-online-schema-change connects (`via: 'pt-osc'`); the adapter fills it from its connection. */
  readonly credentials?: MysqlCredentials;
  /** The copy's batch loop tuning (batch sizes, pauses, extra throttles, onBatch, signal). */
  readonly copy?: Omit<LoopTuning, 'dryRun' | 'restart' | 'progress'> & {
    readonly throttles?: readonly Throttle[];
    readonly lockTimeoutMs?: number;
  };
}

export interface OnlineCopyReport {
  readonly table: string;
  /** The old table, kept under this name as a backup (catalog id `backupId`). */
  readonly backupTable: string;
  readonly backupId: number;
  /** Rows copied by this run (triggers carry the rest). */
  readonly rowsCopied: number;
  readonly resumed: boolean;
  /** null with `verify: false`. */
  readonly verified: ChecksumReport | null;
}

/**
 * Changes a MySQL/MariaDB table's definition without blocking its writers, the way
 * pt-online-schema-change does: a shadow table with the new definition, triggers that keep it in
 * sync, a checkpointed copy on core's batch loop, a checksum of both, then one atomic
 * `RENAME TABLE t TO old, shadow TO t` under lock_wait_timeout (the runner's retries and
 * blocker reports). The old table is kept and recorded in the backup catalog. A rerun after a
 * crash resumes at the step it stopped in.
 */
export async function onlineCopy(
  db: Database,
  spec: OnlineCopySpec,
  options: OnlineCopyOptions = {},
): Promise<OnlineCopyReport> {
  requireDatabaseDialect(db, 'mysql', 'onlineCopy');
  const ref = { table: spec.table, ...(spec.schema ? { schema: spec.schema } : {}) };
  const where = displayName(ref);
  if (db.inTransaction) {
    throw new WrongContextError(`online copy of ${where} cannot run inside the caller's transaction`, {
      where,
      hint: 'its batches and DDL commit on their own: run the migration outside a transaction (Knex: `export const config = { transaction: false }`)',
    });
  }
  const alter = spec.alter.map((c) => requireFragment(`online copy of ${where}`, 'ALTER clause', c, 'mysql'));
  if (alter.length === 0) requireFragment(`online copy of ${where}`, 'ALTER clause', '', 'mysql');
  const via = options.via ?? 'ballast';
  if (!COPY_VIA.includes(via) || (via === 'pt-osc' && !options.credentials)) {
    throw new InvalidArgumentError([
      {
        argument: `online copy of ${where}: options.via`,
        given: JSON.stringify(options.via),
        allowed: `${COPY_VIA.map((v) => `'${v}'`).join(' or ')}; 'pt-osc' with options.credentials (the Knex helpers give them)`,
      },
    ]);
  }
  const run = () =>
    via === 'pt-osc' ? delegate(db, ref, alter, options) : copyTable(db, ref, alter, options);
  return options.lock === false
    ? run()
    : withMigratorLock(db, options.lock?.name ?? RUN_DEFAULTS.lock.name, run, {
        ...(options.log ? { log: options.log } : {}),
        ...(options.lock ?? {}),
      });
}

async function delegate(
  db: Database,
  ref: { readonly table: string; readonly schema?: string },
  alter: readonly string[],
  options: OnlineCopyOptions,
): Promise<OnlineCopyReport> {
  const where = displayName(ref);
  const kept = await runPtOnlineSchemaChange(db, ref, alter, {
    credentials: options.credentials ?? {},
    log: options.log ?? (() => {}),
    progress: options.progress,
    migration: options.migration ?? options.job ?? defaultCopyJob(where, alter),
    retentionDays: options.retentionDays,
    column: options.column,
  });
  return {
    table: where,
    backupTable: kept?.backupTable ?? '',
    backupId: kept?.backupId ?? 0,
    rowsCopied: 0,
    resumed: false,
    verified: null,
  };
}

async function copyTable(
  db: Database,
  ref: { readonly table: string; readonly schema?: string },
  alter: readonly string[],
  options: OnlineCopyOptions,
): Promise<OnlineCopyReport> {
  const where = displayName(ref);
  const names = copyNames(ref.table);
  const log = options.log ?? (() => {});
  const job = options.job ?? defaultCopyJob(where, alter);
  const migration = options.migration ?? job;
  const inner: RunOptions = {
    lock: false,
    log,
    ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  };
  const step = (id: string, description: string, sql: string, table: string): SqlStep =>
    sqlStep({
      id: `online-copy:${where}:${id}`,
      description,
      lock: 'METADATA EXCLUSIVE',
      relations: [{ table, ...(ref.schema ? { schema: ref.schema } : {}) }],
      transactional: true,
      timeout: 'ddl',
      sql,
    });
  const runSteps = (steps: SqlStep[]) =>
    steps.length === 0
      ? Promise.resolve()
      : runPlan(
          db,
          freezePlan({ operation: 'online-copy', target: where, steps, reverse: [], notes: [] }),
          inner,
        );

  const state = await db.withSession((s) => readState(s, ref, names.shadow, migration));
  const dropTriggers = (schema: string) =>
    runSteps(
      Object.values(names.triggers).map((name) =>
        step(`drop-trigger:${name}`, `drop trigger ${name}`, dropTriggerSql(schema, name), ref.table),
      ),
    );
  // Swapped by an earlier run that died before cleaning up: finish its last steps.
  if (state.pending?.swapped && !state.shadowExists) {
    log(`online copy of ${where}: already swapped (backup ${state.pending.backupTable}); cleaning up`);
    await dropTriggers(state.pending.schema);
    await db.withSession((s) => setMysqlBackupStatus(s, state.pending!.id, 'ready'));
    return {
      table: where,
      backupTable: state.pending.backupTable,
      backupId: state.pending.id,
      rowsCopied: 0,
      resumed: true,
      verified: null,
    };
  }

  // This job copied and swapped already (a rerun of a finished migration step): nothing to do.
  if (!state.shadowExists && state.finished) {
    const done = await db.withSession((s) => readMysqlCheckpoint(s, job).catch(() => undefined));
    if (done?.status === 'done') {
      log(`online copy of ${where}: already done by job ${job} (backup ${state.finished.backupTable})`);
      return {
        table: where,
        backupTable: state.finished.backupTable,
        backupId: state.finished.id,
        rowsCopied: 0,
        resumed: true,
        verified: null,
      };
    }
  }
  const table = await db.withSession((s) => readCopyTable(s, ref, names, where));
  const shadowSql = quoteQualified('mysql', { schema: table.schema, name: names.shadow });
  const tableSql = quoteQualified('mysql', { schema: table.schema, name: table.name });
  const fresh = !state.shadowExists;
  if (state.shadowExists) {
    const checkpoint = await db.withSession((s) => readMysqlCheckpoint(s, job).catch(() => undefined));
    if (!checkpoint && !state.oursTriggers) {
      throw new UnsafeOperationError(
        `online copy of ${where}: ${names.shadow} already exists and no interrupted Ballast copy of this change owns it`,
        {
          where: `${table.schema}.${names.shadow}`,
          hint: `another tool (pt-online-schema-change uses the same name) or another change left it: check nothing runs on it, drop it, rerun`,
        },
      );
    }
    log(`online copy of ${where}: resuming with the existing ${names.shadow}`);
  } else {
    // The shadow is empty: its ALTER copies nothing, whatever algorithm the server picks.
    await runSteps([
      step(
        'create-shadow',
        `create ${names.shadow} like ${where}`,
        `CREATE TABLE ${shadowSql} LIKE ${tableSql}`,
        names.shadow,
      ),
    ]);
    try {
      await runSteps([
        step(
          'alter-shadow',
          `give ${names.shadow} the new definition`,
          `ALTER TABLE ${shadowSql} ${alter.join(', ')}`,
          names.shadow,
        ),
      ]);
    } catch (error) {
      await db.withSession((s) => s.query(`DROP TABLE IF EXISTS ${shadowSql}`)).catch(() => {});
      throw error;
    }
  }
  const columns = await sharedColumns(db, table.schema, names.shadow, table.columns, table.key, where);
  const existing = new Set(state.triggers);
  await runSteps(
    triggerStatements(table.schema, table.name, names, table.key, columns)
      .filter((t) => !existing.has(t.name))
      .map((t) =>
        step(`trigger:${t.name}`, `trigger ${t.name} keeps ${names.shadow} in sync`, t.sql, table.name),
      ),
  );

  const tuning = options.copy ?? {};
  const throttles: Throttle[] = [...(tuning.throttles ?? [])];
  throttles.unshift(
    atMostEvery(THROTTLE_CHECK_MS, threadsRunningThrottle(db, options.maxThreadsRunning ?? 25)),
  );
  const maxLag = options.maxReplicaLagMs ?? BACKFILL_DEFAULTS.maxReplicaLagMs;
  if (maxLag > 0) throttles.unshift(mysqlReplicaLagThrottle(db, maxLag));
  let compared = { chunks: 0, rows: 0 };
  const source = copySource(db, table, names.shadow, columns, {
    lockTimeoutMs: tuning.lockTimeoutMs ?? BACKFILL_DEFAULTS.lockTimeoutMs,
    gapLocks: await db.withSession(takesGapLocks),
    verify:
      options.verify !== false &&
      (await db.withSession((s) => columnsToCompare(s, table.schema, table.name, names.shadow, columns))),
    onCompared: (rows) => {
      compared = { chunks: compared.chunks + 1, rows: compared.rows + rows };
    },
  });
  const t0 = performance.now();
  const copied = await runBatchLoop(
    source,
    loopOptionsOf(
      {
        ...tuning,
        initialBatchSize: tuning.initialBatchSize ?? COPY_DEFAULTS.initialBatchSize,
        maxBatchSize: tuning.maxBatchSize ?? COPY_DEFAULTS.maxBatchSize,
        targetBatchMs: tuning.targetBatchMs ?? COPY_DEFAULTS.targetBatchMs,
        ...(options.progress ? { progress: options.progress } : {}),
        restart: fresh,
      },
      job,
      throttles,
    ),
  ).catch((error: unknown) => {
    // A batch's comparison failed: that is the error to show, not the loop's wrapper.
    const cause = (error as { cause?: unknown }).cause;
    throw cause instanceof ChecksumMismatchError ? cause : error;
  });
  if (copied.status === 'cancelled') {
    throw new UnsafeOperationError(`online copy of ${where}: cancelled after ${copied.rowsDone} rows`, {
      where,
      hint: `the shadow ${names.shadow} and its triggers stay: rerun with job ${JSON.stringify(job)} to resume`,
    });
  }
  log(
    `online copy of ${where}: ${copied.rowsDone} rows in ${copied.batches} batches, ${Math.round(performance.now() - t0)} ms`,
  );
  const verified =
    options.verify === false
      ? null
      : options.verify === 'full'
        ? await verifyCopy(db, table, names.shadow, columns)
        : compared;

  const at = new Date();
  const backupTable =
    state.pending?.backupTable ??
    (await unusedTableName(db, table.schema, (n) => oldTableName(n ? `${table.name}_${n}` : table.name, at)));
  const backupId =
    state.pending?.id ??
    (await db.withSession((s) =>
      insertMysqlTableBackup(s, {
        schema: table.schema,
        table: table.name,
        aside: backupTable,
        keyColumns: table.key,
        column: options.column,
        migration,
        retentionDays: options.retentionDays,
      }),
    ));
  const oldSql = quoteQualified('mysql', { schema: table.schema, name: backupTable });
  await runSteps([
    step(
      'swap',
      `swap ${where} and ${names.shadow} in one atomic RENAME; the old table stays as ${backupTable}`,
      `RENAME TABLE ${tableSql} TO ${oldSql}, ${shadowSql} TO ${tableSql}`,
      table.name,
    ),
  ]);
  await dropTriggers(table.schema);
  await db.withSession((s) => setMysqlBackupStatus(s, backupId, 'ready'));
  return {
    table: where,
    backupTable,
    backupId,
    rowsCopied: copied.rowsChanged,
    resumed: copied.resumed || !fresh,
    verified,
  };
}

/**
 * The copy's own batch defaults: a batch share-locks its source rows until it commits, so an
 * application write to one of them waits up to a batch. Measured on 1M rows under 4 clients
 * (bench/results/mysql-online-copy.md): at 250 ms batches the max client wait was 300–420 ms;
 * at 50 ms it is 116–140 ms, with the copy as fast as pt-online-schema-change (its chunks aim at
 * 500 ms and its clients waited 660–840 ms). At most 5000 rows, so that a load spike during a
 * grown batch does not hold its rows for long.
 */
const COPY_DEFAULTS = { initialBatchSize: 1000, maxBatchSize: 5000, targetBatchMs: 50 } as const;

interface CopyState {
  readonly shadowExists: boolean;
  /** Our triggers present on the table. */
  readonly triggers: readonly string[];
  readonly oursTriggers: boolean;
  /** The catalog row an interrupted run of this copy left (`copying`), and whether it swapped. */
  readonly pending?: { id: number; schema: string; backupTable: string; swapped: boolean } | undefined;
  /** The newest finished copy recorded for this migration. */
  readonly finished?: { id: number; backupTable: string } | undefined;
}

async function readState(
  session: Session,
  ref: { readonly table: string; readonly schema?: string },
  shadow: string,
  migration: string,
): Promise<CopyState> {
  const names = copyNames(ref.table);
  const tables = await session.query<{ n: string }>(
    `select TABLE_NAME as n from information_schema.TABLES where TABLE_SCHEMA = coalesce(?, database()) and TABLE_NAME = ?`,
    [ref.schema ?? null, shadow],
  );
  const triggers = await session.query<{ n: string }>(
    `select TRIGGER_NAME as n from information_schema.TRIGGERS
      where TRIGGER_SCHEMA = coalesce(?, database()) and EVENT_OBJECT_TABLE = ? and TRIGGER_NAME in (?, ?, ?)`,
    [ref.schema ?? null, ref.table, names.triggers.insert, names.triggers.update, names.triggers.delete],
  );
  const [catalog] = await session.query<{ n: number }>(
    `select count(*) as n from information_schema.TABLES where TABLE_SCHEMA = database() and TABLE_NAME = ?`,
    [BACKUP_CATALOG],
  );
  const [pending] = Number(catalog?.n)
    ? await session.query<{ id: number; s: string; t: string; there: number }>(
        `select b.id, b.backup_schema as s, b.backup_table as t,
                exists (select 1 from information_schema.TABLES x
                         where x.TABLE_SCHEMA = b.backup_schema and x.TABLE_NAME = b.backup_table) as there
           from ${BACKUP_CATALOG} b
          where b.kind = 'table' and b.status = 'copying' and b.source_table = ? and b.migration = ?
            and b.source_schema = coalesce(?, database())
          order by b.id desc limit 1`,
        [ref.table, migration, ref.schema ?? null],
      )
    : [];
  const [finished] = Number(catalog?.n)
    ? await session.query<{ id: number; t: string }>(
        `select id, backup_table as t from ${BACKUP_CATALOG}
          where kind = 'table' and status <> 'copying' and source_table = ? and migration = ?
            and source_schema = coalesce(?, database()) order by id desc limit 1`,
        [ref.table, migration, ref.schema ?? null],
      )
    : [];
  return {
    finished: finished && { id: Number(finished.id), backupTable: finished.t },
    shadowExists: tables.length > 0,
    triggers: triggers.map((t) => t.n),
    oursTriggers: triggers.length > 0,
    pending: pending && {
      id: Number(pending.id),
      schema: pending.s,
      backupTable: pending.t,
      swapped: Number(pending.there) > 0,
    },
  };
}

/** The stored columns both tables have (in the table's order); the key must be the same. */
async function sharedColumns(
  db: Database,
  schema: string,
  shadow: string,
  columns: readonly string[],
  key: readonly string[],
  where: string,
): Promise<string[]> {
  const after = new Set(await db.withSession((s) => storedColumns(s, schema, shadow)));
  const shared = columns.filter((c) => after.has(c));
  const lost = key.filter((k) => !after.has(k));
  if (lost.length > 0) {
    throw new UnsafeOperationError(
      `online copy of ${where}: the new definition drops key column(s) ${lost.join(', ')}`,
      {
        where,
        hint: 'keep the primary key columns: the triggers and the copy address rows by them',
      },
    );
  }
  return shared;
}
