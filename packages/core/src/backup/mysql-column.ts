import { BACKFILL_DEFAULTS } from '../backfill/defaults.js';
import { loopOptionsOf } from '../backfill/index.js';
import { runBatchLoop } from '../backfill/loop.js';
import { readMysqlTable } from '../backfill/mysql/catalog.js';
import { mysqlKeysetSource } from '../backfill/mysql/keyset.js';
import type { Database, Session } from '../db.js';
import { onlineClauses, plannedAlgorithm } from '../dialects/mysql/capabilities.js';
import { readMysqlServerInfo } from '../dialects/mysql/server.js';
import { quoteIdent } from '../dialects/quote.js';
import { displayName, type TableRef } from '../dialects/table-ref.js';
import { ColumnNotFoundError } from '../errors.js';
import { type MysqlColumn, readMysqlColumn, renderMysqlColumn } from '../online-copy/columns.js';
import { droppedTableName } from '../ops/drop-table.js';
import type { BackupRecord } from './catalog.js';
import { innerRunOptions } from './ddl.js';
import {
  insertMysqlTableBackup,
  mysqlBackupById,
  selectMysqlBackups,
  setMysqlBackupStatus,
} from './mysql-catalog.js';
import {
  currentDatabase,
  mysqlDdlStep,
  runOneStep,
  tableExists,
  tableOf,
  unusedTableName,
} from './mysql-ddl.js';
import type { BackupOptions, DropWithBackupOptions } from './options.js';

const q = (name: string) => quoteIdent('mysql', name);

/**
 * dropColumn on MySQL/MariaDB: the column's values, keyed by primary key, are copied into
 * `ballast_dropped_<table>_<column>_<stamp>` in keyset batches (the application no longer writes
 * it: confirmUnused), then the column is dropped with the algorithm the facts table gives
 * (`drop-column`: INSTANT on MariaDB 10.4+ / MySQL 8.0.29+, else INPLACE; INPLACE when an index covers it). The catalog row keeps
 * the column's definition for the restore. A rerun resumes the copy, or only marks it ready.
 */
export async function dropColumnMysql(
  db: Database,
  ref: TableRef & { readonly column: string },
  options: DropWithBackupOptions,
  /** contract: the sync triggers go once the values are kept, just before the drop. */
  hooks: { readonly beforeDrop?: () => Promise<void> } = {},
): Promise<BackupRecord> {
  const target = `${displayName(ref)}.${ref.column}`;
  const schema = ref.schema ?? (await db.withSession(currentDatabase));
  const source = { schema, table: ref.table };
  const pending = (
    await db.withSession((s) => selectMysqlBackups(s, { table: ref.table, column: ref.column }))
  )
    .filter((b) => b.status === 'copying' && b.migration === (options.migration ?? null))
    .at(-1);
  const column = await db.withSession((s) => readMysqlColumn(s, source, ref.column));
  if (!column && !pending) {
    throw new ColumnNotFoundError(`drop column ${target}: no such column`, {
      where: target,
      hint: 'check the names; listBackups(db) shows columns already dropped',
    });
  }
  if (column) {
    const info = await db.withSession((s) => readMysqlTable(s, { name: ref.table, schema }));
    const at = new Date();
    const aside =
      pending?.backupTable ??
      (await unusedTableName(db, schema, (n) =>
        droppedTableName(`${ref.table}_${ref.column}${n ? `_${n}` : ''}`, at),
      ));
    const id =
      pending?.id ??
      (await db.withSession((s) =>
        insertMysqlTableBackup(s, {
          schema,
          table: ref.table,
          aside,
          keyColumns: info.key,
          column: { name: ref.column, definition: JSON.stringify(column) },
          kind: 'column',
          migration: options.migration,
          retentionDays: options.retentionDays,
        }),
      ));
    const keep = [...info.key, ref.column].map(q).join(', ');
    if (!(await tableExists(db, schema, aside))) {
      await db.withSession((s) =>
        s.query(
          `create table ${tableOf(schema, aside)} (primary key (${info.key.map(q).join(', ')})) engine=InnoDB
             select ${keep} from ${tableOf(schema, ref.table)} where 1 = 0`,
        ),
      );
    }
    const copy = mysqlKeysetSource(db, info, {
      lockTimeoutMs: BACKFILL_DEFAULTS.lockTimeoutMs,
      async write(session, range, params) {
        await session.query(
          `insert ignore into ${tableOf(schema, aside)} (${keep}) select ${keep} from ${info.sql} where ${range}`,
          params,
        );
        const [n] = await session.query<{ n: number }>('select row_count() as n');
        return Number(n?.n ?? 0);
      },
    });
    await runBatchLoop(
      copy,
      loopOptionsOf(
        {
          ...(options.progress ? { progress: options.progress } : {}),
          ...(options.batchSize ? { initialBatchSize: options.batchSize } : {}),
        },
        `backup:${id}`,
        [],
      ),
    );
    const server = await db.withSession(readMysqlServerInfo);
    const indexed = await db.withSession((s) => columnIsIndexed(s, schema, ref.table, ref.column));
    const algorithm = plannedAlgorithm(
      server.capabilities,
      indexed ? 'drop-indexed-column' : 'drop-column',
      target,
    );
    await hooks.beforeDrop?.();
    await runOneStep(
      db,
      mysqlDdlStep(
        `drop-column:${target}:drop`,
        `drop column ${target} (${algorithm}), its values kept in ${aside}`,
        source,
        `ALTER TABLE ${tableOf(schema, ref.table)} DROP COLUMN ${q(ref.column)}, ${onlineClauses(algorithm)}`,
      ),
      { ...innerRunOptions(options), ...(options.run ?? {}), lock: false },
    );
    await db.withSession((s) => setMysqlBackupStatus(s, id, 'ready'));
    return db.withSession((s) => mysqlBackupById(s, id));
  }
  await db.withSession((s) => setMysqlBackupStatus(s, pending!.id, 'ready'));
  return { ...pending!, status: 'ready' };
}

/**
 * The column back: added with its recorded definition but NULL allowed (the facts table's
 * `add-column` algorithm), filled from the kept values by primary key in keyset batches (rows
 * written since the drop keep the column's default), then NOT NULL again in place when it was.
 * The kept values are dropped after.
 */
export async function restoreMysqlColumn(
  db: Database,
  b: BackupRecord,
  options: BackupOptions,
): Promise<void> {
  const ref = { schema: b.sourceSchema, table: b.sourceTable };
  const column = b.sourceColumn!;
  const target = `${displayName(ref)}.${column}`;
  const def = JSON.parse(b.columnType!) as MysqlColumn;
  const server = await db.withSession(readMysqlServerInfo);
  const run = innerRunOptions(options);
  const table = tableOf(b.sourceSchema, b.sourceTable);
  if (!(await db.withSession((s) => readMysqlColumn(s, ref, column)))) {
    const algorithm = plannedAlgorithm(server.capabilities, 'add-column', target);
    await runOneStep(
      db,
      mysqlDdlStep(
        `restore-backup:${b.id}:add`,
        `add ${target} back (${algorithm}), NULL allowed while it fills`,
        ref,
        `ALTER TABLE ${table} ADD COLUMN ${q(column)} ${renderMysqlColumn({ ...def, notNull: false, autoIncrement: false })}, ${onlineClauses(algorithm)}`,
      ),
      run,
    );
  }
  const info = await db.withSession((s) =>
    readMysqlTable(s, { name: b.sourceTable, schema: b.sourceSchema }),
  );
  const key = b.keyColumns ?? info.key;
  const kept = tableOf(b.backupSchema, b.backupTable);
  const fill = mysqlKeysetSource(db, info, {
    lockTimeoutMs: BACKFILL_DEFAULTS.lockTimeoutMs,
    alias: 's',
    async write(session, range, params) {
      const match = key.map((k) => `k.${q(k)} = s.${q(k)}`).join(' and ');
      await session.query(
        `update ${table} s join ${kept} k on ${match} set s.${q(column)} = k.${q(column)} where ${range}`,
        params,
      );
      const [n] = await session.query<{ n: number }>('select row_count() as n');
      return Number(n?.n ?? 0);
    },
  });
  await runBatchLoop(fill, loopOptionsOf({}, `restore:${b.id}`, []));
  if (def.notNull) {
    const algorithm = plannedAlgorithm(server.capabilities, 'set-not-null', target);
    await runOneStep(
      db,
      mysqlDdlStep(
        `restore-backup:${b.id}:not-null`,
        `${target} NOT NULL again (${algorithm})`,
        ref,
        `ALTER TABLE ${table} MODIFY COLUMN ${q(column)} ${renderMysqlColumn(def)}, ${onlineClauses(algorithm)}`,
      ),
      run,
    );
  }
  await runOneStep(
    db,
    mysqlDdlStep(
      `restore-backup:${b.id}:purge`,
      `drop ${b.backupTable}: its values are back`,
      { schema: b.backupSchema, table: b.backupTable },
      `DROP TABLE IF EXISTS ${kept}`,
    ),
    run,
  );
}

/** Whether an index covers the column (then DROP COLUMN changes the index: no INSTANT). */
async function columnIsIndexed(
  session: Session,
  schema: string | undefined,
  table: string,
  column: string,
): Promise<boolean> {
  const rows = await session.query(
    `select 1 from information_schema.STATISTICS
      where TABLE_SCHEMA = coalesce(?, database()) and TABLE_NAME = ? and COLUMN_NAME = ? limit 1`,
    [schema ?? null, table, column],
  );
  return rows.length > 0;
}
