import { CHECKPOINT_DDL, CHECKPOINT_TABLE } from '../backfill/pg/checkpoints.js';
import { BACKUP_CATALOG, BACKUP_SCHEMA, ensureBackupCatalog } from '../backup/catalog.js';
import type { Database, Session } from '../db.js';
import { quoteIdent } from '../dialects/quote.js';
import { type MissingPrivilege, PrivilegeError } from '../errors.js';
import { DDL as EXPANSIONS_DDL, EXPANSIONS_TABLE, UNIQUE as EXPANSIONS_UNIQUE } from '../expand/catalog.js';
import type { Requirement } from '../plan.js';
import type { ObjectKind } from './ensure-table.js';
import { DDL as JOURNAL_DDL } from './journal.js';
import { DDL as LOCKS_DDL } from './migrator-lock.js';
import type { RunOptions } from './options.js';
import { requirementGaps } from './table-privileges.js';

/**
 * Ballast's own objects in the migrated database, in one list: what each is for, and what a role
 * needs to use one an admin created (docs/privileges.md). The DDL texts stay with the code that
 * uses them; this file only checks privileges before any change, and writes the setup SQL.
 */
export interface BookkeepingObject {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly purpose: string;
  /** Indexes created beside the table (creating one needs ownership of the table). */
  readonly index?: { readonly name: string; readonly ddl: string };
}

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

const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

interface RelationFacts {
  exists: boolean;
  qualified: string | null;
  owner: boolean | null;
  missing: string[] | null;
  sequences: string[] | null;
  index: boolean;
  schema: string | null;
  can_create: boolean | null;
}

async function relationGaps(s: Session, o: BookkeepingObject, role: string): Promise<MissingPrivilege[]> {
  const [f] = await s.query<RelationFacts>(
    `select c.oid is not null as exists, c.oid::regclass::text as qualified,
            pg_has_role(c.relowner, 'USAGE') as owner,
            array(select p from unnest($2::text[]) p where not has_table_privilege(c.oid, p)) as missing,
            array(select d.objid::regclass::text from pg_depend d join pg_class q on q.oid = d.objid and q.relkind = 'S'
                   where d.refobjid = c.oid and d.classid = 'pg_class'::regclass
                     -- case: the planner may test the privilege before the join has kept sequences only
                     and case when q.relkind = 'S' then not has_sequence_privilege(d.objid, 'USAGE') end) as sequences,
            $3::text is null or to_regclass($3) is not null as index,
            current_schema() as schema, has_schema_privilege(current_schema(), 'CREATE') as can_create
       from (select to_regclass($1) as oid) r left join pg_class c on c.oid = r.oid`,
    [o.name, TABLE_PRIVILEGES, o.index?.name ?? null],
  );
  const gaps: MissingPrivilege[] = [];
  const about = `${o.name} (${o.purpose})`;
  if (!f?.exists) {
    if (!f?.schema) {
      gaps.push({ object: about, privilege: 'a schema in search_path to create it in', grant: null });
    } else if (!f.can_create) {
      gaps.push({
        object: about,
        privilege: `CREATE on schema ${f.schema}`,
        grant: `GRANT CREATE ON SCHEMA ${quoteIdent('postgres', f.schema)} TO ${role}`,
      });
    }
    return gaps;
  }
  if (f.missing && f.missing.length > 0) {
    gaps.push({
      object: about,
      privilege: `${f.missing.join(', ')} on table ${f.qualified}`,
      grant: `GRANT ${TABLE_PRIVILEGES.join(', ')} ON ${f.qualified} TO ${role}`,
    });
  }
  for (const sequence of f.sequences ?? []) {
    gaps.push({
      object: about,
      privilege: `USAGE on sequence ${sequence}`,
      grant: `GRANT USAGE ON SEQUENCE ${sequence} TO ${role}`,
    });
  }
  if (o.index && !f.index && !f.owner) {
    gaps.push({
      object: about,
      privilege: `ownership of ${f.qualified}, to create its index ${o.index.name}`,
      grant: `${o.index.ddl} -- as the owner of ${f.qualified}`,
    });
  }
  return gaps;
}

async function schemaGaps(s: Session, o: BookkeepingObject, role: string): Promise<MissingPrivilege[]> {
  const [f] = await s.query<{
    exists: boolean;
    usage: boolean;
    create: boolean;
    db_create: boolean;
    db: string;
  }>(
    `select n.oid is not null as exists, coalesce(has_schema_privilege(n.oid, 'USAGE'), false) as usage,
            coalesce(has_schema_privilege(n.oid, 'CREATE'), false) as create,
            has_database_privilege(current_database(), 'CREATE') as db_create, current_database() as db
       from (select 1) one left join pg_namespace n on n.nspname = $1`,
    [o.name],
  );
  const schema = quoteIdent('postgres', o.name);
  const grant = `GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${role}`;
  const about = `schema ${o.name} (${o.purpose})`;
  if (!f?.exists) {
    return f?.db_create
      ? []
      : [
          {
            object: about,
            privilege: `CREATE on database ${f?.db}`,
            grant: `CREATE SCHEMA ${schema}; ${grant}`,
          },
        ];
  }
  if (f.usage && f.create) return [];
  return [{ object: about, privilege: `USAGE and CREATE on schema ${o.name}`, grant }];
}

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
  if (db.dialect !== 'postgres') return;
  const done = checked.get(db) ?? new Set<BookkeepingName>();
  checked.set(db, done);
  const todo = [...new Set(needs.bookkeeping ?? [])].filter((n) => !done.has(n));
  const requires = needs.requires ?? [];
  if (todo.length === 0 && requires.length === 0) return;
  const { gaps, role } = await db.withSession(async (s) => {
    const [who] = await s.query<{ role: string }>('select current_user as role');
    const role = quoteIdent('postgres', who!.role);
    const gaps: MissingPrivilege[] = [];
    for (const name of todo) {
      const o: BookkeepingObject = BOOKKEEPING[name];
      gaps.push(...(o.kind === 'schema' ? await schemaGaps(s, o, role) : await relationGaps(s, o, role)));
    }
    gaps.push(...(await requirementGaps(s, requires, who!.role)));
    return { gaps, role: who!.role };
  });
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
        `  or the whole setup: setupSql({ role: '${role}' }) from @ballast/core (docs/privileges.md)`,
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
  const role = quoteIdent('postgres', options.role);
  const schema = quoteIdent('postgres', options.schema ?? 'public');
  const tables = [
    BOOKKEEPING.locks,
    BOOKKEEPING.journal,
    BOOKKEEPING.checkpoints,
    BOOKKEEPING.expansions,
    BOOKKEEPING.backups,
  ].map((o) => `${schema}.${quoteIdent('postgres', o.name)}`);
  const sequences = [BOOKKEEPING.expansions, BOOKKEEPING.backups].map(
    (o) => `${schema}.${quoteIdent('postgres', `${o.name}_id_seq`)}`,
  );
  const backupSchema = quoteIdent('postgres', BACKUP_SCHEMA);
  return [
    `-- Ballast's own objects, for role ${role}: run once as the database owner or a superuser.`,
    'BEGIN;',
    `SET LOCAL search_path = ${schema};`,
    ...[LOCKS_DDL, JOURNAL_DDL, CHECKPOINT_DDL, EXPANSIONS_DDL, EXPANSIONS_UNIQUE].map((ddl) => `${ddl};`),
    ...(await backupCatalogDdl()).map((ddl) => `${ddl};`),
    `GRANT USAGE ON SCHEMA ${schema} TO ${role};`,
    `GRANT ${TABLE_PRIVILEGES.join(', ')} ON ${tables.join(', ')} TO ${role};`,
    `GRANT USAGE ON SEQUENCE ${sequences.join(', ')} TO ${role};`,
    `-- backups are tables the role creates in ${backupSchema}, and dropped tables move there`,
    `GRANT USAGE, CREATE ON SCHEMA ${backupSchema} TO ${role};`,
    'COMMIT;',
    '',
  ].join('\n');
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
