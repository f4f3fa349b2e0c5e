import type { Database, Session } from '../db.js';
import type { ObjectKind } from '../dialects/runtime.js';
import { runtimeOf } from '../dialects/runtime-of.js';
import { BallastError } from '../errors.js';

const ensured = new WeakMap<Database, Map<string, Promise<void>>>();

export type { ObjectKind } from '../dialects/runtime.js';

/** Whether Ballast's own object `name` exists (the dialect's catalog query; the name is bound). */
export const objectExists = (session: Session, kind: ObjectKind, name: string): Promise<boolean> =>
  runtimeOf(session).bookkeeping.objectExists(session, kind, name);

/**
 * Runs `ddl` only when the object is missing: `CREATE ... IF NOT EXISTS` checks CREATE on the
 * schema (or database) and ownership before it looks, so a role that may use what an admin
 * created (docs/privileges.md) must not run it at all. Two processes creating the same object at
 * the same instant can still collide on the catalog's unique index (a unique violation or a
 * duplicate object): the loser simply finds it there.
 */
export async function createIfMissing(
  session: Session,
  kind: ObjectKind,
  name: string,
  ddl: string,
  columns: readonly string[] = [],
): Promise<void> {
  const runtime = runtimeOf(session);
  const missingColumns = () => runtime.bookkeeping.missingColumns(session, name, columns);
  const exists = await objectExists(session, kind, name);
  if (exists && (await missingColumns()).length === 0) return;
  try {
    await session.query(ddl);
  } catch (error) {
    const what = runtime.classifyError(error);
    if (exists && what === 'insufficient-privilege')
      throw upgradeRefused(name, await missingColumns(), error);
    if (what !== 'unique-violation' && what !== 'duplicate-object') throw error;
  }
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
