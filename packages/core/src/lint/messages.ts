/**
 * Message templates keyed by rule id, apart from rule logic (strong_migrations style): each
 * renders what is wrong with the user's own names, and a complete safe alternative to copy.
 */
type Params = Readonly<Record<string, string>>;
interface Template {
  readonly message: (p: Params) => string;
  readonly help: (p: Params) => string;
}

export const MESSAGES = {
  'require-constant-default-for-new-column': {
    message: (p) =>
      `Adding column ${p.column} to ${p.table} with default ${p.default} rewrites the whole table under an ACCESS EXCLUSIVE lock${p.why}.`,
    help: (p) =>
      `Add the column without the default, set the default for new rows, then backfill existing rows in batches (the Knex helper b.safeAddColumn, or @ballast/core planAddColumn + runPlan, runs this whole sequence):\n  ALTER TABLE ${p.table} ADD COLUMN ${p.column} ${p.type};\n  ALTER TABLE ${p.table} ALTER COLUMN ${p.column} SET DEFAULT ${p.default};\n  -- backfill in batches (Knex: b.backfill; @ballast/core: runBackfill): UPDATE ${p.table} SET ${p.column} = ${p.default} WHERE id BETWEEN $1 AND $2 AND ${p.column} IS NULL;`,
  },
  'require-default-for-not-null-column': {
    message: (p) => `Adding NOT NULL column ${p.column} to ${p.table} without a default ${p.consequence}.`,
    help: (p) =>
      p.help ??
      `Add the column as nullable (or with a constant default), backfill it in batches, then enforce NOT NULL through a validated CHECK:\n  ALTER TABLE ${p.table} ADD COLUMN ${p.column} ${p.type};\n  -- backfill ${p.column} in batches\n  ALTER TABLE ${p.table} ADD CONSTRAINT ${p.column}_not_null CHECK (${p.column} IS NOT NULL) NOT VALID;\n  ALTER TABLE ${p.table} VALIDATE CONSTRAINT ${p.column}_not_null;\n  ALTER TABLE ${p.table} ALTER COLUMN ${p.column} SET NOT NULL;`,
  },
  'require-check-constraint-before-set-not-null': {
    message: (p) =>
      `SET NOT NULL on ${p.table}.${p.column} scans the whole table under an ACCESS EXCLUSIVE lock: reads and writes wait until it finishes.`,
    help: (p) =>
      `Prove the column has no NULLs with a NOT VALID check validated under a weak lock; PostgreSQL 12+ then skips the scan:\n  ALTER TABLE ${p.table} ADD CONSTRAINT ${p.column}_not_null CHECK (${p.column} IS NOT NULL) NOT VALID;\n  ALTER TABLE ${p.table} VALIDATE CONSTRAINT ${p.column}_not_null;\n  ALTER TABLE ${p.table} ALTER COLUMN ${p.column} SET NOT NULL;\n  ALTER TABLE ${p.table} DROP CONSTRAINT ${p.column}_not_null;`,
  },
  'ban-type-change-that-rewrites-table': {
    message: (p) =>
      `Changing ${p.table}.${p.column} to ${p.type} rewrites the table${p.indexes} while holding ${p.lock}: the table is unavailable for the whole copy.`,
    help: (p) =>
      `Only widening changes are instant (varchar(n) → varchar(m>n) or text, numeric precision increase${p.dialectNote}). Otherwise add a new column, dual-write, backfill, and switch:\n  ALTER TABLE ${p.table} ADD COLUMN ${p.column}_new ${p.type};\n  -- write both columns from the application, backfill ${p.column}_new in batches, switch reads, then drop ${p.column}`,
  },
  'ban-renaming-column': {
    message: (p) =>
      `Renaming ${p.table}.${p.column} to ${p.newName} breaks every running application instance that still uses ${p.column}.`,
    help: (p) =>
      `Expand and contract: add ${p.newName}, write both, backfill, move reads to ${p.newName}, then drop ${p.column} in a later deploy:\n  ALTER TABLE ${p.table} ADD COLUMN ${p.newName} <type>;\n  -- dual-write and backfill, deploy readers of ${p.newName}, then: ALTER TABLE ${p.table} DROP COLUMN ${p.column};`,
  },
  'ban-renaming-table': {
    message: (p) =>
      `Renaming ${p.kind} ${p.table} to ${p.newName} breaks every running instance that still queries ${p.table}.`,
    help: (p) =>
      `Rename, then keep the old name working until every instance is deployed:\n  ALTER TABLE ${p.table} RENAME TO ${p.newName};\n  CREATE VIEW ${p.table} AS SELECT * FROM ${p.newName};  -- updatable; drop it after the deploy`,
  },
  'ban-dropping-column': {
    message: (p) =>
      `Dropping ${p.table}.${p.column} breaks running instances that still read or write it, and loses its data.`,
    help: (p) =>
      `Stop using ${p.column} in the application first (ignore it in the ORM), deploy, then drop it in a later migration with Knex b.dropColumn / @ballast/core dropColumnWithBackup (which keep a backup), or in SQL with a suppression:\n  -- ballast:ignore ban-dropping-column code stopped using ${p.column} in release <n>\n  ALTER TABLE ${p.table} DROP COLUMN ${p.column};`,
  },
  'ban-dropping-table': {
    message: (p) =>
      `Dropping table ${p.table} breaks running instances that still use it and deletes its data for good.`,
    help: (p) =>
      `Remove every use of ${p.table} from the code and deploy first; then drop it with Knex b.dropTable / @ballast/core dropTableWithBackup (which keep a backup), or in SQL with a suppression that names the release:\n  -- ballast:ignore ban-dropping-table unused since release <n>\n  DROP TABLE ${p.table};`,
  },
  'require-concurrent-index-creation': {
    message: (p) =>
      `Creating index ${p.index} on ${p.table} without CONCURRENTLY blocks all writes to ${p.table} for the whole build.`,
    help: (p) =>
      `Build it concurrently, outside a transaction:\n  ${p.concurrentSql};\n  -- if the build fails it leaves an INVALID index: DROP INDEX CONCURRENTLY ${p.index}; and retry`,
  },
  'ban-concurrent-index-in-transaction': {
    message: (p) => `${p.what} cannot run inside a transaction block${p.why}: PostgreSQL rejects it.`,
    help: () =>
      `Run this statement outside the transaction: in Prisma put it alone in its own migration (or run it with \`prisma db execute\`); in Knex set \`exports.config = { transaction: false }\`; in plain SQL, put it after COMMIT.`,
  },
  'require-concurrent-index-deletion': {
    message: (p) =>
      `Dropping index ${p.index} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on its table.`,
    help: (p) =>
      `Drop it concurrently, outside a transaction:\n  DROP INDEX CONCURRENTLY IF EXISTS ${p.index};`,
  },
  'require-not-valid-foreign-key': {
    message: (p) =>
      `Adding foreign key ${p.constraint} on ${p.table} validates every row while blocking writes to ${p.table} and ${p.refTable}.`,
    help: (p) =>
      `Add it NOT VALID (instant), then validate under a SHARE UPDATE EXCLUSIVE lock that lets reads and writes continue:\n  ALTER TABLE ${p.table} ADD CONSTRAINT ${p.constraint} ${p.definition} NOT VALID;\n  ALTER TABLE ${p.table} VALIDATE CONSTRAINT ${p.constraint};`,
  },
  'require-not-valid-check-constraint': {
    message: (p) =>
      `Adding check ${p.constraint} on ${p.table} scans the table under an ACCESS EXCLUSIVE lock.`,
    help: (p) =>
      `Add it NOT VALID, then validate without blocking writes:\n  ALTER TABLE ${p.table} ADD CONSTRAINT ${p.constraint} ${p.definition} NOT VALID;\n  ALTER TABLE ${p.table} VALIDATE CONSTRAINT ${p.constraint};`,
  },
  'require-existing-index-for-unique-constraint': {
    message: (p) =>
      `Adding unique constraint ${p.constraint} on ${p.table} builds its index while blocking reads and writes.`,
    help: (p) =>
      `Build the unique index concurrently, then attach it (instant):\n  CREATE UNIQUE INDEX CONCURRENTLY ${p.constraint} ON ${p.table} (${p.columns});\n  ALTER TABLE ${p.table} ADD CONSTRAINT ${p.constraint} UNIQUE USING INDEX ${p.constraint};`,
  },
  'require-existing-index-for-primary-key': {
    message: (p) =>
      `Adding primary key ${p.constraint} on ${p.table} builds its index (and may scan for NULLs) under an ACCESS EXCLUSIVE lock.`,
    help: (p) =>
      `Make the columns NOT NULL safely (see require-check-constraint-before-set-not-null), build a unique index concurrently, then attach it:\n  CREATE UNIQUE INDEX CONCURRENTLY ${p.constraint} ON ${p.table} (${p.columns});\n  ALTER TABLE ${p.table} ADD CONSTRAINT ${p.constraint} PRIMARY KEY USING INDEX ${p.constraint};`,
  },
  'require-batched-data-change': {
    message: (p) =>
      `${p.verb} on ${p.table} without a WHERE clause touches every row in one transaction: it locks them all and bloats the table${p.replica}.`,
    help: (p) =>
      `Change rows in batches by key range, one short transaction each (Knex b.backfill or @ballast/core runBackfill do this with checkpoints):\n  ${p.example}`,
  },
  'prefer-jsonb-over-json': {
    message: (p) =>
      `${p.table}.${p.column} uses json: it has no equality operator (breaks DISTINCT, UNION, GROUP BY) and cannot be indexed.`,
    help: (p) => `Use jsonb:\n  ${p.column} jsonb`,
  },
  'ban-enum-value-addition-in-transaction': {
    message: (p) => `ALTER TYPE ${p.type} ADD VALUE ${p.why}.`,
    help: (p) => `${p.fix}`,
  },
  'ban-adding-column-that-rewrites-table': {
    message: (p) =>
      `Adding ${p.kind} column ${p.column} to ${p.table} rewrites the whole table under an ACCESS EXCLUSIVE lock.`,
    help: (p) =>
      `Add a plain nullable column, fill it in batches, then attach the default/sequence:\n  ALTER TABLE ${p.table} ADD COLUMN ${p.column} ${p.plainType};\n  -- backfill in batches, then set the default (e.g. nextval of a sequence) and NOT NULL safely`,
  },
  'ban-vacuum-full': {
    message: (p) =>
      `VACUUM FULL${p.on} rewrites the table under an ACCESS EXCLUSIVE lock: nothing can read or write it meanwhile.`,
    help: () =>
      `Use plain VACUUM (no lock on reads/writes), or pg_repack / pg_squeeze to reclaim space online.`,
  },
  'ban-cluster': {
    message: (p) => `CLUSTER${p.on} rewrites the table under an ACCESS EXCLUSIVE lock.`,
    help: () => `Use pg_repack --order-by to reorder rows online, or accept a maintenance window.`,
  },
  'require-concurrent-reindex': {
    message: (p) =>
      p.tooOld
        ? `REINDEX ${p.kind} CONCURRENTLY ${p.name} fails on PostgreSQL ${p.tooOld}: the option exists from PostgreSQL 12.`
        : `REINDEX ${p.target} without CONCURRENTLY blocks writes (and reads using the index) for the whole rebuild.`,
    help: (p) =>
      p.tooOld
        ? `Before PostgreSQL 12, build a new index CONCURRENTLY, drop the old one CONCURRENTLY and rename the new one:\n  CREATE INDEX CONCURRENTLY <name>_new ON <table> (...);\n  DROP INDEX CONCURRENTLY <name>;\n  ALTER INDEX <name>_new RENAME TO <name>;`
        : `On PostgreSQL 12+ rebuild online, outside a transaction:\n  REINDEX ${p.kind} CONCURRENTLY ${p.name};`,
  },
  'ban-truncate': {
    message: (p) => `TRUNCATE ${p.table} takes an ACCESS EXCLUSIVE lock and deletes every row for good.`,
    help: (p) =>
      `If the data must go, delete it in batches (DELETE FROM ${p.table} WHERE id BETWEEN $1 AND $2), or drop the table in a later release after its users are gone.`,
  },
  'ban-set-tablespace': {
    message: (p) =>
      `Moving ${p.table} to tablespace ${p.tablespace} copies the table under an ACCESS EXCLUSIVE lock.`,
    help: () => `Use pg_repack --tablespace to move it online, or accept a maintenance window.`,
  },
  'ban-adding-exclusion-constraint': {
    message: (p) =>
      `Adding exclusion constraint ${p.constraint} to ${p.table} builds its index and checks every row under an ACCESS EXCLUSIVE lock: reads and writes wait for the whole build.`,
    help: (p) =>
      `An exclusion constraint can be neither NOT VALID nor built from an existing index. Add it while ${p.table} is new or small, or enforce the rule in a trigger/application and build a plain index CONCURRENTLY for the lookups.`,
  },
  'require-not-valid-domain-constraint': {
    message: (p) =>
      `${p.what} checks every column of every table that uses the domain, holding a lock that blocks writes to them until done.`,
    help: (p) =>
      `Add it as a NOT VALID check (new values are checked at once), fix existing rows, then validate in a later transaction${p.what?.startsWith('SET NOT NULL') ? ' (a domain NOT NULL has no NOT VALID form: the check does the same work)' : ''}:\n  ALTER DOMAIN ${p.domain} ADD CONSTRAINT ${p.constraint} ${p.definition} NOT VALID;\n  ALTER DOMAIN ${p.domain} VALIDATE CONSTRAINT ${p.constraint};`,
  },
  'require-concurrent-detach-partition': {
    message: (p) =>
      `Detaching partition ${p.partition} from ${p.table} takes an ACCESS EXCLUSIVE lock on ${p.table}: every query on the partitioned table waits.`,
    help: (p) => p.help ?? '',
  },
  'ban-changing-table-logging': {
    message: (p) =>
      `ALTER TABLE ${p.table} SET ${p.mode} rewrites the whole table under an ACCESS EXCLUSIVE lock${p.wal}.`,
    help: () =>
      `Plan it as a maintenance operation, or create a new table with the wanted persistence, copy the rows in batches and swap names.`,
  },
  'ban-renaming-type-or-schema': {
    message: (p) => `${p.what} breaks every running instance whose queries still name ${p.old}.`,
    help: (p) => p.help ?? '',
  },
  'require-concurrent-refresh-materialized-view': {
    message: (p) =>
      `REFRESH MATERIALIZED VIEW ${p.view} holds an ACCESS EXCLUSIVE lock on it while its query runs: every read of ${p.view} waits${p.noData}.`,
    help: (p) =>
      `Refresh it concurrently: reads go on and see the old rows until the new ones are in (it needs a unique index on the view, and a view that has data):\n  CREATE UNIQUE INDEX CONCURRENTLY ${p.index} ON ${p.view} (<unique columns>);  -- once\n  REFRESH MATERIALIZED VIEW CONCURRENTLY ${p.view};`,
  },
  'ban-sequence-restart-or-narrowing': {
    message: (p) => `Altering ${p.name}: ${p.harms}.`,
    help: () =>
      `Leave the running sequence alone: to move it forward use SELECT setval('<sequence>', <a value above every id in use>); to change its type, widen it (AS bigint), never narrow it; keep NO CYCLE on sequences that feed keys.`,
  },
  'ban-changing-table-inheritance': {
    message: (p) =>
      `ALTER TABLE ${p.table} ${p.form} ${p.parent}: every query on ${p.parent} will ${p.effect} the rows of ${p.table} at once; it takes ACCESS EXCLUSIVE on ${p.table}, so queries on ${p.parent} that read ${p.table} queue behind it.`,
    help: (p) =>
      `Ship the code that expects the new rows of ${p.parent} first (or query ONLY ${p.parent}); then run it with a short lock_timeout and retries. For partitioned tables, use ATTACH / DETACH PARTITION CONCURRENTLY instead.`,
  },
  'ban-alter-that-rewrites-table': {
    message: (p) =>
      `ALTER TABLE ${p.table} ${p.form} rewrites the whole table under an ACCESS EXCLUSIVE lock: reads and writes wait for the copy.`,
    help: () =>
      `Plan it as maintenance, or build a new table (or column) the way you want it, copy the rows in batches, and switch over.`,
  },
  'require-lock-timeout': {
    message: (p) =>
      `${p.what} on ${p.table} waits for its lock with no ${p.setting}: behind one long transaction, it queues every query on ${p.table}.`,
    help: (p) =>
      `Set a short lock timeout at the top of the migration and retry on timeout:\n  ${p.statement}`,
  },
  'prefer-bigint-over-int': {
    message: (p) =>
      `${p.table}.${p.column} is ${p.type}: ids and counters outgrow 2^31 and changing the type later rewrites the table.`,
    help: (p) => `Use bigint:\n  ${p.column} bigint`,
  },
  'prefer-text-over-varchar': {
    message: (p) =>
      `${p.table}.${p.column} is ${p.type}: changing the limit later can rewrite the table, and PostgreSQL stores text the same way.`,
    help: (p) =>
      `Use text with a check you can change without a rewrite:\n  ${p.column} text CONSTRAINT ${p.column}_length CHECK (char_length(${p.column}) <= ${p.length})`,
  },
  'prefer-timestamptz': {
    message: (p) =>
      `${p.table}.${p.column} is timestamp without time zone: values change meaning when the session time zone does.`,
    help: (p) => `Use timestamptz:\n  ${p.column} timestamptz`,
  },
  'ban-char-type': {
    message: (p) =>
      `${p.table}.${p.column} is ${p.type}: it pads values with spaces and is never faster than text.`,
    help: (p) => `Use text (with a length CHECK if needed):\n  ${p.column} text`,
  },
  'ban-drop-database': {
    message: (p) => `DROP DATABASE ${p.name} in a migration deletes every table for good.`,
    help: () => `Drop databases by hand, with a backup, never from a migration.`,
  },
  'ban-nested-transaction': {
    message: (p) => `${p.what} inside a migration that ${p.runner} already wraps in a transaction ${p.why}.`,
    help: (p) =>
      p.remedy ??
      `Remove the explicit BEGIN/COMMIT: the migration tool already runs the file in one transaction.`,
  },
  'require-validate-in-separate-transaction': {
    message: (p) =>
      `VALIDATE CONSTRAINT ${p.constraint} on ${p.table} runs in the same ${p.where} as its NOT VALID add: the add's lock is still held, so the validating scan blocks writes as a plain ADD CONSTRAINT would.`,
    help: (p) =>
      `Commit between the two, so the validation takes only SHARE UPDATE EXCLUSIVE (reads and writes continue): end the transaction after the add, or move the VALIDATE to a migration of its own (Prisma: its own migration folder; Knex: a migration with config = { transaction: false }, or the helpers b.addForeignKey / b.addCheck, which do this):\n  ALTER TABLE ${p.table} ADD CONSTRAINT ${p.constraint} ... NOT VALID;\n  COMMIT;\n  ALTER TABLE ${p.table} VALIDATE CONSTRAINT ${p.constraint};`,
  },
  'require-online-alter-algorithm': {
    message: (p) =>
      `${p.what} on ${p.table} needs ALGORITHM=COPY: the table is copied row by row while writes are blocked.`,
    help: (p) =>
      `Use an online schema change tool for ${p.table} (pt-online-schema-change, gh-ost), or ${p.alternative}`,
  },
  'ban-blocking-lock-clause': {
    message: (p) => `LOCK=${p.lock} on ${p.table} blocks ${p.blocked} for the whole ALTER.`,
    help: (p) =>
      `Ask for LOCK=NONE so the server fails instead of blocking when it cannot stay online:\n  ${p.example}`,
  },
  'require-inplace-foreign-key': {
    message: (p) =>
      `Adding foreign key ${p.constraint} on ${p.table} with foreign_key_checks=1 copies the table (ALGORITHM=COPY) while blocking writes.`,
    help: (p) =>
      `Check the data yourself first, then add the key in place with checks off for this session:\n  SET foreign_key_checks = 0;\n  ALTER TABLE ${p.table} ADD CONSTRAINT ${p.constraint} ${p.definition}, ALGORITHM=INPLACE, LOCK=NONE;\n  SET foreign_key_checks = 1;`,
  },
  'ban-optimize-table': {
    message: (p) =>
      `OPTIMIZE TABLE ${p.table} rebuilds the table; on MyISAM or with full-text indexes it blocks writes throughout.`,
    help: () =>
      `Rebuild online with pt-online-schema-change --alter "ENGINE=InnoDB", or schedule it in a maintenance window.`,
  },
  'ban-charset-conversion': {
    message: (p) =>
      `Converting ${p.table} to ${p.charset} rewrites every text column with ALGORITHM=COPY, blocking writes.`,
    help: (p) =>
      `Convert online with pt-online-schema-change --alter "CONVERT TO CHARACTER SET ${p.charset}", or column by column on new columns with a backfill.`,
  },
  'require-online-ddl-clauses': {
    message: (p) =>
      `${p.what} on ${p.table} does not say ALGORITHM/LOCK: if the server cannot do it online it silently falls back to copying or locking the table.`,
    help: (p) => `State the online algorithm so the server fails fast instead of blocking:\n  ${p.example}`,
  },
  'unparseable-sql': {
    message: (p) => `The ${p.dialect} parser cannot read this statement: ${p.error}`,
    help: (p) =>
      `Fix the syntax, or lint with the right dialect/version (${p.flags}). Ballast never passes a statement it cannot read.`,
  },
  'require-reason-for-ignore': {
    message: (p) =>
      `Suppression of ${p.rule} has no reason: a reason tells the next reader why this is safe here.`,
    help: (p) => `Write: -- ballast:ignore ${p.rule} <why this is safe here>`,
  },
} satisfies Record<string, Template>;

export type MessageId = keyof typeof MESSAGES;

export function render(id: MessageId, params: Params): { message: string; help: string } {
  const t: Template = MESSAGES[id];
  return { message: t.message(params), help: t.help(params) };
}
