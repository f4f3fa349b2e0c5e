import type { Dialect, Session } from '../db.js';
import { UnsupportedServerError } from '../errors.js';
import { type MysqlServerInfo, readMysqlServerInfo } from './mysql/server.js';
import { type PgServerInfo, readPgServerInfo } from './postgres/server.js';

export { type MysqlServerInfo, mysqlServerInfo } from './mysql/server.js';
export { type PgCapabilities, type PgServerInfo, pgCapabilities, serverInfoFor } from './postgres/server.js';

/**
 * The server a plan is made for. Planners read capabilities of their own dialect only: after
 * `server.dialect === 'mysql'` (or requireDialect) TypeScript knows which capabilities exist.
 */
export type ServerInfo = PgServerInfo | MysqlServerInfo;

export function readServerInfo(session: Session): Promise<ServerInfo> {
  return session.dialect === 'mysql' ? readMysqlServerInfo(session) : readPgServerInfo(session);
}

const PLANNED_LATER: Record<Dialect, string> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL/MariaDB',
};

/**
 * The one guard of planners that know one dialect only: refuses another server's ServerInfo
 * instead of emitting SQL it would misread, and narrows `server` for the rest of the planner.
 */
export function requireDialect<D extends Dialect>(
  server: ServerInfo,
  dialect: D,
  planner: string,
): asserts server is Extract<ServerInfo, { dialect: D }> {
  if (server.dialect === dialect) return;
  throw new UnsupportedServerError(
    `${planner} plans for ${PLANNED_LATER[dialect]} only; this server is ${server.version}`,
    {
      where: planner,
      hint:
        server.dialect === 'mysql'
          ? `${planner} has no MySQL/MariaDB plan yet. Until then write this change by hand, or lint it with \`ballast lint --dialect mysql\``
          : `${planner} is for ${PLANNED_LATER[dialect]} servers; use the PostgreSQL planner of the same operation`,
    },
  );
}

/**
 * The same guard for engines that talk to the database themselves (backups, expand/contract):
 * their SQL is PostgreSQL's, so another database is refused before any statement is sent.
 */
export function requireDatabaseDialect(
  db: { readonly dialect: Dialect },
  dialect: Dialect,
  entry: string,
): void {
  if (db.dialect === dialect) return;
  throw new UnsupportedServerError(
    `${entry} runs on ${PLANNED_LATER[dialect]} only; this database is ${PLANNED_LATER[db.dialect]}`,
    {
      where: entry,
      hint: `${entry} has no ${PLANNED_LATER[db.dialect]} implementation yet; nothing was changed`,
    },
  );
}
