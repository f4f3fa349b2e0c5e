import type { Session } from '../../db.js';
import type { MissingPrivilege } from '../../errors.js';
import type { Requirement } from '../../plan.js';
import { qtable, quoteIdent } from '../quote.js';
import type { BookkeepingObject } from '../runtime.js';

interface Facts {
  name: string;
  /** The table to change the owner of (an index's own table). */
  table: string;
  owner: string;
  is_owner: boolean;
  schema: string;
  can_create: boolean;
  can_reference: boolean;
  can_update: boolean;
}

/**
 * What the current role lacks of a plan's requirements on the application's tables, each with
 * the statement that gives it. A table that does not exist is left to the step (its own error).
 */
async function requirementGaps(
  s: Session,
  requires: readonly Requirement[],
  role: string,
): Promise<MissingPrivilege[]> {
  const gaps: MissingPrivilege[] = [];
  const who = quoteIdent('postgres', role);
  for (const r of requires) {
    const [f] = await s.query<Facts>(
      `select c.oid::regclass::text as name, coalesce(i.indrelid, c.oid)::regclass::text as table,
              pg_get_userbyid(c.relowner) as owner, pg_has_role(c.relowner, 'USAGE') as is_owner,
              c.relnamespace::regnamespace::text as schema,
              has_schema_privilege(c.relnamespace, 'CREATE') as can_create,
              has_table_privilege(c.oid, 'REFERENCES') as can_reference,
              has_table_privilege(c.oid, 'SELECT') and has_table_privilege(c.oid, 'UPDATE') as can_update
         from pg_class c left join pg_index i on i.indexrelid = c.oid where c.oid = to_regclass($1)`,
      [qtable(r.table)],
    );
    if (!f) continue;
    const gap = gapOf(r.privilege, f, who);
    if (gap && !gaps.some((g) => g.privilege === gap.privilege)) gaps.push(gap);
  }
  return gaps;
}

function gapOf(privilege: Requirement['privilege'], f: Facts, role: string): MissingPrivilege | undefined {
  const object = `table ${f.name}`;
  switch (privilege) {
    case 'owner':
      return f.is_owner
        ? undefined
        : {
            object,
            privilege: `ownership of ${f.table} (owned by ${f.owner}; ALTER and DROP need it)`,
            grant: `ALTER TABLE ${f.table} OWNER TO ${role}`,
          };
    case 'create':
      return f.can_create
        ? undefined
        : {
            object,
            privilege: `CREATE on schema ${f.schema} (indexes and trigger functions are created there)`,
            grant: `GRANT CREATE ON SCHEMA ${f.schema} TO ${role}`,
          };
    case 'references':
      return f.can_reference
        ? undefined
        : {
            object,
            privilege: `REFERENCES on ${f.name} (a foreign key points at it)`,
            grant: `GRANT REFERENCES ON ${f.name} TO ${role}`,
          };
    case 'update':
      return f.can_update
        ? undefined
        : {
            object,
            privilege: `SELECT and UPDATE on ${f.name} (the backfill writes its rows)`,
            grant: `GRANT SELECT, UPDATE ON ${f.name} TO ${role}`,
          };
  }
}

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

/**
 * Every gap of the current role: Ballast's `objects` it can neither use nor create, and the
 * plan's requirements on the application's tables, each with the GRANT that closes it.
 */
export async function pgPrivilegeGaps(
  s: Session,
  objects: readonly BookkeepingObject[],
  requires: readonly Requirement[],
): Promise<{ role: string; gaps: MissingPrivilege[] }> {
  const [who] = await s.query<{ role: string }>('select current_user as role');
  const role = quoteIdent('postgres', who!.role);
  const gaps: MissingPrivilege[] = [];
  for (const o of objects) {
    gaps.push(...(o.kind === 'schema' ? await schemaGaps(s, o, role) : await relationGaps(s, o, role)));
  }
  gaps.push(...(await requirementGaps(s, requires, who!.role)));
  return { gaps, role: who!.role };
}

export interface SetupScript {
  readonly role: string;
  readonly schema: string;
  /** Every bookkeeping DDL statement, in order. */
  readonly ddl: readonly string[];
  readonly tables: readonly string[];
  /** Tables whose serial id needs USAGE on its sequence. */
  readonly serialTables: readonly string[];
  readonly backupSchema: string;
}

/** The setup SQL an admin runs once (run/bookkeeping.ts setupSql collects what goes in it). */
export function pgSetupScript(o: SetupScript): string {
  const role = quoteIdent('postgres', o.role);
  const schema = quoteIdent('postgres', o.schema);
  const tables = o.tables.map((t) => `${schema}.${quoteIdent('postgres', t)}`);
  const sequences = o.serialTables.map((t) => `${schema}.${quoteIdent('postgres', `${t}_id_seq`)}`);
  const backupSchema = quoteIdent('postgres', o.backupSchema);
  return [
    `-- Ballast's own objects, for role ${role}: run once as the database owner or a superuser.`,
    'BEGIN;',
    `SET LOCAL search_path = ${schema};`,
    ...o.ddl.map((ddl) => `${ddl};`),
    `GRANT USAGE ON SCHEMA ${schema} TO ${role};`,
    `GRANT ${TABLE_PRIVILEGES.join(', ')} ON ${tables.join(', ')} TO ${role};`,
    `GRANT USAGE ON SEQUENCE ${sequences.join(', ')} TO ${role};`,
    `-- backups are tables the role creates in ${backupSchema}, and dropped tables move there`,
    `GRANT USAGE, CREATE ON SCHEMA ${backupSchema} TO ${role};`,
    'COMMIT;',
    '',
  ].join('\n');
}
