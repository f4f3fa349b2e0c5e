import type { Database, Session } from '../db.js';

const ensured = new WeakMap<Database, Map<string, Promise<void>>>();

/**
 * CREATE TABLE IF NOT EXISTS, once per Database and table. Two processes creating the same table
 * at the same instant can still collide on the catalog's unique index (23505/42P07): the loser
 * simply finds the table there.
 */
export function ensureTable(db: Database, name: string, ddl: string): Promise<void> {
  const byName = ensured.get(db) ?? new Map<string, Promise<void>>();
  ensured.set(db, byName);
  let pending = byName.get(name);
  if (!pending) {
    pending = db
      .withSession(async (s: Session) => {
        try {
          await s.query(ddl);
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code !== '23505' && code !== '42P07') throw error;
        }
      })
      .catch((error) => {
        byName.delete(name);
        throw error;
      });
    byName.set(name, pending);
  }
  return pending;
}
