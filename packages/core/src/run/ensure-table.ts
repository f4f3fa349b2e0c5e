import type { Database, Session } from '../db.js';

const ensured = new WeakMap<Database, Map<string, Promise<void>>>();

/** A table or index (found through search_path, as Ballast's queries find it) or a schema. */
export type ObjectKind = 'relation' | 'schema';

/** Whether Ballast's own object `name` exists; names are bound, never spliced. */
export async function objectExists(session: Session, kind: ObjectKind, name: string): Promise<boolean> {
  const [row] = await session.query<{ ok: boolean }>(
    kind === 'schema'
      ? 'select exists (select 1 from pg_namespace where nspname = $1) as ok'
      : 'select to_regclass($1) is not null as ok',
    [name],
  );
  return row?.ok === true;
}

/**
 * Runs `ddl` only when the object is missing: `CREATE ... IF NOT EXISTS` checks CREATE on the
 * schema (or database) and ownership before it looks, so a role that may use what an admin
 * created (docs/privileges.md) must not run it at all. Two processes creating the same object at
 * the same instant can still collide on the catalog's unique index (23505/42P07/42P06): the
 * loser simply finds it there.
 */
export async function createIfMissing(
  session: Session,
  kind: ObjectKind,
  name: string,
  ddl: string,
): Promise<void> {
  if (await objectExists(session, kind, name)) return;
  try {
    await session.query(ddl);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P07' && code !== '42P06') throw error;
  }
}

/** createIfMissing for a table or index, once per Database and name. */
export function ensureTable(db: Database, name: string, ddl: string): Promise<void> {
  const byName = ensured.get(db) ?? new Map<string, Promise<void>>();
  ensured.set(db, byName);
  let pending = byName.get(name);
  if (!pending) {
    pending = db
      .withSession((s: Session) => createIfMissing(s, 'relation', name, ddl))
      .catch((error) => {
        byName.delete(name);
        throw error;
      });
    byName.set(name, pending);
  }
  return pending;
}
