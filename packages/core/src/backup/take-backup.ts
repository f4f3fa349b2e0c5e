import { BACKFILL_DEFAULTS, type LoopTuning, loopOptionsOf } from '../backfill/index.js';
import { runBatchLoop } from '../backfill/loop.js';
import { replicaLagThrottle } from '../backfill/pg/replica-lag.js';
import { inTransaction } from '../backfill/pg/transaction.js';
import type { BackfillOptions, Throttle } from '../backfill/types.js';
import type { Database, Session } from '../db.js';
import {
  type ColumnInfo,
  primaryKeyWithout,
  requireColumn,
  tableSchema,
} from '../dialects/postgres/introspect.js';
import { qi, qtable } from '../dialects/quote.js';
import { runtimeOf } from '../dialects/runtime-of.js';
import { displayName, type TableRef } from '../dialects/table-ref.js';
import { BallastError, TableNotFoundError, UnsafeOperationError } from '../errors.js';
import type { BackupSpec } from '../plan.js';
import { type ProgressReporter, reportAs } from '../report/progress.js';
import { requirePrivileges } from '../run/bookkeeping.js';
import { watchIndexBuild } from '../run/index-build-progress.js';
import {
  BACKUP_CATALOG,
  type BackupRecord,
  backupById,
  ensureBackupCatalog,
  insertBackup,
  setBackupStatus,
} from './catalog.js';
import { columnCopySource } from './copy-source.js';
import { readColumnDefinition } from './definition.js';

/** The backfill tuning a backup copy takes: the loop's (no dry run: a copy is real), plus the source's bounds. */
export type CopyTuning = Omit<LoopTuning, 'dryRun' | 'restart'> &
  Pick<BackfillOptions, 'throttles' | 'maxReplicaLagMs' | 'lockTimeoutMs'>;

/**
 * Takes the backup a drop needs before its destructive step (the runner's `backup` steps, and
 * backupColumn): records it in the catalog and, for a copy, copies the column's values on the
 * backfill loop. A rerun finds the row its interrupted run left (same source, same migration)
 * and resumes the copy from its checkpoint instead of starting a second backup.
 */
export async function takeBackup(
  db: Database,
  spec: BackupSpec,
  tuning: CopyTuning = {},
): Promise<BackupRecord> {
  const ref: TableRef = { table: spec.table, schema: spec.schema };
  const copy = spec.keep === 'copy';
  const where = spec.column
    ? `backup of ${displayName(ref)}.${spec.column}`
    : `backup of table ${displayName(ref)}`;
  await requirePrivileges(
    db,
    // A copy writes into ballast_backup (and checkpoints); a table is moved there; a column stays put.
    {
      bookkeeping: copy
        ? ['backups', 'backupSchema', 'checkpoints']
        : spec.column
          ? ['backups']
          : ['backups', 'backupSchema'],
    },
    where,
  );
  const taken = await db.withSession(async (s) => {
    const schema = await tableSchema(s, ref);
    if (!schema) {
      throw new TableNotFoundError(`${where}: table ${displayName(ref)} does not exist`, {
        where: displayName(ref),
        hint: 'check the name and schema; listBackups() shows whether it was already dropped',
      });
    }
    const source = { schema, table: spec.table };
    const info = spec.column ? await requireColumn(s, source, spec.column, where) : undefined;
    const keys = copy ? await copyKeys(s, source, spec.column!, where) : [];
    // A set-aside column keeps its indexes and constraints; a copy must record them to rebuild them.
    const definition = copy ? await readColumnDefinition(s, source, spec.column!, where) : undefined;
    await ensureBackupCatalog(s);
    const earlier = await unfinished(s, spec, schema, definition?.attnum);
    const record =
      earlier ??
      (await insertBackup(s, {
        kind: spec.column ? 'column' : 'table',
        sourceSchema: schema,
        sourceTable: spec.table,
        sourceColumn: spec.column,
        columnType: info?.type,
        columnDefault: info?.default,
        columnNotNull: info?.notNull,
        columnDefinition: definition,
        keyColumns: copy ? keys.map((k) => k.name) : undefined,
        migration: spec.migration,
        retentionDays: spec.retentionDays,
        aside: copy ? undefined : spec.aside,
      }));
    if (!copy)
      await s.query(
        `update ${BACKUP_CATALOG} set rows = (select reltuples::bigint from pg_class where oid = to_regclass($2))
          where id = $1 and rows is null`,
        [record.id, qtable(source)],
      );
    return { record, keys, info: info!, schema };
  });
  if (!copy) return taken.record;
  const rows = await copyColumn(db, taken.record, taken.keys, taken.info, tuning);
  await db.withSession((s) => setBackupStatus(s, taken.record.id, 'ready', rows));
  return db.withSession((s) => backupById(s, taken.record.id));
}

async function copyKeys(s: Session, ref: TableRef, column: string, where: string) {
  const keys = await primaryKeyWithout(
    s,
    ref,
    column,
    where,
    'a primary key column cannot be dropped on its own; drop or replace the key first',
  );
  if (keys.length > 0) return keys;
  throw new UnsafeOperationError(`${where}: ${displayName(ref)} has no primary key to key the values by`, {
    where: displayName(ref),
    hint: 'add a primary key first, or drop the column by setting it aside (planDropColumn without keep: "copy")',
  });
}

/** The row an interrupted run of the same backup left: a copy still `copying`, or a set-aside record. */
async function unfinished(
  s: Session,
  spec: BackupSpec,
  schema: string,
  attnum: number | undefined,
): Promise<BackupRecord | undefined> {
  const [row] = await s.query<{ id: string }>(
    `select id from ${BACKUP_CATALOG}
      where source_schema = $1 and source_table = $2 and source_column is not distinct from $3
        and migration is not distinct from $4 and aside is not distinct from $5
        and status = case when $5::text is null then 'copying' else 'ready' end
        and ($6::int is null or (column_definition->>'attnum')::int = $6)
      order by id desc limit 1`,
    [
      schema,
      spec.table,
      spec.column ?? null,
      spec.migration ?? null,
      spec.keep === 'copy' ? null : (spec.aside ?? null),
      attnum ?? null,
    ],
  );
  return row ? backupById(s, Number(row.id)) : undefined;
}

/**
 * The values into `ballast_backup.backup_<id>` on the backfill loop, job `backup:<id>` (resumed
 * after a crash). Inside the caller's transaction no batch can commit on its own: one statement.
 */
async function copyColumn(
  db: Database,
  record: BackupRecord,
  keys: readonly { name: string; type: string }[],
  info: ColumnInfo,
  tuning: CopyTuning,
): Promise<number> {
  const into = qtable({ schema: record.backupSchema, table: record.backupTable });
  const column = record.sourceColumn!;
  const columns = [...keys.map((k) => `${qi(k.name)} ${k.type}`), `${qi(column)} ${info.type}`];
  const source = { schema: record.sourceSchema, table: record.sourceTable };
  // The key's index is built once the copy is complete (keyBackup): inserting into a table
  // without it costs about half as much CPU, which under application load is the copy's wall time.
  await db.withSession((s) => s.query(`create table if not exists ${into} (${columns.join(', ')})`));
  if (db.inTransaction) {
    const list = [...keys.map((k) => qi(k.name)), qi(column)].join(', ');
    const [row] = await db.withSession((s) =>
      s.query<{ n: number }>(
        `with copied as (insert into ${into} select ${list} from ${qtable(source)} returning 1)
         select count(*)::int as n from copied`,
      ),
    );
    await keyBackup(db, record, into, keys, tuning.progress);
    return row!.n;
  }
  const lockTimeoutMs = tuning.lockTimeoutMs ?? BACKFILL_DEFAULTS.lockTimeoutMs;
  const copySource = await columnCopySource(db, {
    ...source,
    column,
    keys: keys.map((k) => k.name),
    into,
    lockTimeoutMs,
  });
  const throttles: Throttle[] = [...(tuning.throttles ?? [])];
  const lag = tuning.maxReplicaLagMs ?? BACKFILL_DEFAULTS.maxReplicaLagMs;
  if (lag > 0) throttles.unshift(replicaLagThrottle(db, lag, copySource.replicaLagMs));
  const result = await runBatchLoop(
    copySource,
    loopOptionsOf(
      { ...tuning, progress: reportAs('backup', tuning.progress) },
      `backup:${record.id}`,
      throttles,
    ),
  );
  if (result.status === 'cancelled') {
    throw new BallastError(
      `backup ${record.id} of ${copySource.target} was cancelled before the copy finished`,
      {
        where: copySource.target,
        hint: 'nothing was dropped; rerun to resume the copy from its checkpoint',
      },
    );
  }
  await keyBackup(db, record, into, keys, tuning.progress);
  return result.rowsDone;
}

/**
 * The backup table's key (restore reads values by key): a unique index over the key columns,
 * built once the copy is complete. Also the copy's last check: a key copied twice fails it, and
 * the backup is not marked ready. CREATE INDEX takes SHARE, which readers of the backup (a
 * pg_dump) do not hold up, as they would the ACCESS EXCLUSIVE of ADD PRIMARY KEY. The build reads
 * the whole copy, so it reports progress like an index build and runs without the session's
 * statement_timeout (nothing waits on this private table; a timeout would fail every rerun of a
 * big backup the same way).
 */
async function keyBackup(
  db: Database,
  record: BackupRecord,
  into: string,
  keys: readonly { name: string }[],
  progress: ProgressReporter | undefined,
): Promise<void> {
  const index = `${record.backupTable}_key`;
  const addKey = `create unique index if not exists ${qi(index)} on ${into} (${keys.map((k) => qi(k.name)).join(', ')})`;
  let build: ReturnType<typeof watchIndexBuild> | undefined;
  let ok = false;
  try {
    await db.withSession(async (s) => {
      // Keyed already: a rerun after a crash between the key and the ready mark, or a copy
      // made by a version that created the table with its primary key.
      const [keyed] = await s.query(
        'select 1 from pg_index where indrelid = to_regclass($1) and (indisprimary or indisunique)',
        [into],
      );
      if (keyed) return;
      if (db.inTransaction) {
        await s.query(addKey); // the caller's transaction and its settings: one statement
        return;
      }
      if (progress)
        build = watchIndexBuild(
          db,
          await runtimeOf(db).backendId(s),
          `${record.backupSchema}.${record.backupTable} (key)`,
          progress,
        );
      await inTransaction(s, async () => {
        await s.query('set local statement_timeout = 0');
        await s.query(addKey);
      });
    });
    ok = true;
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    throw new BallastError(
      `backup ${record.id} (${into}) holds a key of ${record.sourceTable} more than once: the copy is not exact`,
      {
        where: into,
        cause: error,
        hint: `nothing was dropped; please report this bug. A rerun copies afresh once this backup is purged: purgeBackups(db, { ids: [${record.id}] })`,
      },
    );
  } finally {
    // After the session went back: with a one-connection pool the watcher's query waits for it.
    await build?.stop(ok);
  }
}
