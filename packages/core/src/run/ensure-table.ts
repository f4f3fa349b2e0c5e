import type { Database, Session } from '../db.js';
import { BallastError } from '../errors.js';

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
  columns: readonly string[] = [],
): Promise<void> {
  const exists = await objectExists(session, kind, name);
  if (exists && (await missingColumns(session, name, columns)).length === 0) return;
  try {
    await session.query(ddl);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (exists && code === '42501')
      throw upgradeRefused(name, await missingColumns(session, name, columns), error);
    if (code !== '23505' && code !== '42P07' && code !== '42P06') throw error;
  }
}

/** Of `columns` (added by later versions), those table `name` lacks. */
async function missingColumns(session: Session, name: string, columns: readonly string[]): Promise<string[]> {
  if (columns.length === 0) return [];
  const rows = await session.query<{ name: string }>(
    `select c as name from unnest($2::text[]) c
      where not exists (select 1 from pg_attribute where attrelid = to_regclass($1) and attname = c and not attisdropped)`,
    [name, columns],
  );
  return rows.map((r) => r.name);
}

const upgradeRefused = (name: string, missing: readonly string[], cause: unknown) =>
  new BallastError(
    `${name} was created by an older version of Ballast and lacks ${missing.join(', ')}; this role may not add them`,
    {
      where: name,
      cause,
      hint: "have the table's owner (or the admin who ran setupSql) run setupSql's SQL again: it adds the missing columns",
    },
  );

/**
 * createIfMissing for a table or index, once per Database and name. `columns`: those a later
 * version added (its `ddl` adds them with ADD COLUMN IF NOT EXISTS): a table that lacks one runs
 * `ddl` again.
 */
export function ensureTable(
  db: Database,
  name: string,
  ddl: string,
  columns: readonly string[] = [],
): Promise<void> {
  const byName = ensured.get(db) ?? new Map<string, Promise<void>>();
  ensured.set(db, byName);
  let pending = byName.get(name);
  if (!pending) {
    pending = db
      .withSession((s: Session) => createIfMissing(s, 'relation', name, ddl, columns))
      .catch((error) => {
        byName.delete(name);
        throw error;
      });
    byName.set(name, pending);
  }
  return pending;
}
