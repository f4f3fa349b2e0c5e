import type { Session } from '../db.js';
import { qtable, quoteIdent } from '../dialects/quote.js';
import type { MissingPrivilege } from '../errors.js';
import type { Requirement } from '../plan.js';

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
export async function requirementGaps(
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
