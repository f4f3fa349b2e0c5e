import { CHECKPOINT_DDL, CHECKPOINT_TABLE } from '../backfill/pg/checkpoints.js';
import { BACKUP_CATALOG, BACKUP_SCHEMA, ensureBackupCatalog } from '../backup/catalog.js';
import type { Database, Session } from '../db.js';
import { JOURNAL_DDL, LOCKS_DDL } from '../dialects/postgres/bookkeeping.js';
import { pgSetupScript } from '../dialects/postgres/privileges.js';
import type { BookkeepingObject } from '../dialects/runtime.js';
import { runtimeOf } from '../dialects/runtime-of.js';
import { docPath } from '../docs.js';
import { type MissingPrivilege, PrivilegeError } from '../errors.js';
import { DDL as EXPANSIONS_DDL, EXPANSIONS_TABLE, UNIQUE as EXPANSIONS_UNIQUE } from '../expand/catalog.js';
import type { Requirement } from '../plan.js';
import type { RunOptions } from './options.js';

/**
 * Ballast's own objects in the migrated database, in one list: what each is for, and what a role
 * needs to use one an admin created (docs/privileges.md). The DDL texts stay with the code that
 * uses them; this file only checks privileges before any change (through the dialect's
 * privilegeGaps), and collects the setup SQL.
 */
export type { BookkeepingObject } from '../dialects/runtime.js';

export const BOOKKEEPING = {
  locks: { kind: 'relation', name: 'ballast_locks', purpose: 'the migrator lock' },
  journal: { kind: 'relation', name: 'ballast_journal', purpose: 'the journal of completed steps' },
  checkpoints: { kind: 'relation', name: CHECKPOINT_TABLE, purpose: 'backfill checkpoints' },
  expansions: {
    kind: 'relation',
    name: EXPANSIONS_TABLE,
    purpose: 'the expand/contract records',
    index: { name: 'ballast_expansions_open_key', ddl: EXPANSIONS_UNIQUE },
  },
  backups: { kind: 'relation', name: BACKUP_CATALOG, purpose: 'the backup catalog' },
  backupSchema: { kind: 'schema', name: BACKUP_SCHEMA, purpose: 'the backup tables' },
} as const satisfies Record<string, BookkeepingObject>;

export type BookkeepingName = keyof typeof BOOKKEEPING;

/** What runPlan uses with these options: the migrator lock, the journal, checkpoints if it backfills. */
export function runBookkeeping(
  db: Database,
  options: RunOptions | undefined,
  backfills: boolean,
): BookkeepingName[] {
  return [
    ...(options?.lock === false || db.inTransaction ? [] : (['locks'] as const)),
    ...(options?.migration ? (['journal'] as const) : []),
    ...(backfills ? (['checkpoints'] as const) : []),
  ];
}

const checked = new WeakMap<Database, Set<BookkeepingName>>();

export interface Needs {
  /** Ballast's own objects the call uses (created when missing, if the role may). */
  readonly bookkeeping?: readonly BookkeepingName[];
  /** Privileges on the application's tables (a plan's `requires`). */
  readonly requires?: readonly Requirement[] | undefined;
}

/**
 * Fails before any change when the current role lacks a privilege the call needs: it can neither
 * use nor create one of Ballast's objects, or lacks one of the plan's requirements. The error
 * lists every gap with the GRANT that closes it. Bookkeeping successes are remembered per
 * Database, so a run's many helpers check those once.
 */
export async function requirePrivileges(db: Database, needs: Needs, where: string): Promise<void> {
  const privilegeGaps = runtimeOf(db).privilegeGaps;
  if (!privilegeGaps) return; // the dialect cannot check privileges yet: the statements will say
  const done = checked.get(db) ?? new Set<BookkeepingName>();
  checked.set(db, done);
  const todo = [...new Set(needs.bookkeeping ?? [])].filter((n) => !done.has(n));
  const requires = needs.requires ?? [];
  if (todo.length === 0 && requires.length === 0) return;
  const objects: BookkeepingObject[] = todo.map((name) => BOOKKEEPING[name]);
  const { gaps, role } = await db.withSession((s) => privilegeGaps(s, objects, requires));
  if (gaps.length > 0) throw privilegeError(role, gaps, where);
  for (const name of todo) done.add(name);
}

function privilegeError(role: string, gaps: readonly MissingPrivilege[], where: string): PrivilegeError {
  const lines = gaps.map((g) => `${g.privilege} (for ${g.object})`);
  const grants = [...new Set(gaps.flatMap((g) => (g.grant ? [`  ${g.grant};`] : [])))];
  return new PrivilegeError(
    `${where}: role "${role}" lacks ${lines.join('; ')}. Nothing was changed.`,
    gaps,
    {
      where,
      hint:
        `as an admin, run once:\n${grants.join('\n')}\n` +
        `  or the whole setup: setupSql({ role: '${role}' }) from @ballast/core (${docPath('privileges.md')})`,
    },
  );
}

export interface SetupOptions {
  /** The role the migrations run as. */
  readonly role: string;
  /** Where Ballast's tables go: the first schema of that role's search_path. Default `public`. */
  readonly schema?: string;
}

/**
 * The SQL an admin runs once so that `role` needs no CREATE on the database (nor on the schema
 * for Ballast's own tables): creates every bookkeeping object and grants what the helpers use.
 * The application's tables need more (ownership, CREATE on their schema): docs/privileges.md.
 */
export async function setupSql(options: SetupOptions): Promise<string> {
  const { locks, journal, checkpoints, expansions, backups } = BOOKKEEPING;
  return pgSetupScript({
    role: options.role,
    schema: options.schema ?? 'public',
    ddl: [
      LOCKS_DDL,
      JOURNAL_DDL,
      CHECKPOINT_DDL,
      EXPANSIONS_DDL,
      EXPANSIONS_UNIQUE,
      ...(await backupCatalogDdl()),
    ],
    tables: [locks, journal, checkpoints, expansions, backups].map((o) => o.name),
    serialTables: [expansions, backups].map((o) => o.name),
    backupSchema: BACKUP_SCHEMA,
  });
}

/**
 * The backup catalog's DDL, as ensureBackupCatalog runs it on an empty database: recorded from a
 * session that finds nothing, so the text is never copied out of backup/catalog.ts.
 */
async function backupCatalogDdl(): Promise<string[]> {
  const ddl: string[] = [];
  const recorder: Session = {
    dialect: 'postgres',
    async query<T>(sql: string) {
      if (/^\s*create\b/i.test(sql)) ddl.push(sql);
      return [{ ok: false }] as T[];
    },
  };
  await ensureBackupCatalog(recorder);
  return ddl;
}
