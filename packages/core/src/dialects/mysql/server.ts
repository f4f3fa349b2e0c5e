import type { Session } from '../../db.js';
import { UnsupportedServerError } from '../../errors.js';
import { type MysqlCapabilities, mysqlCapabilities } from './capabilities.js';

export type MysqlFlavor = 'mysql' | 'mariadb';

/** A MySQL or MariaDB server: the `mysql` member of ServerInfo (dialects/server.ts). */
export interface MysqlServerInfo {
  readonly dialect: 'mysql';
  readonly flavor: MysqlFlavor;
  /** major * 10000 + minor * 100 + patch, e.g. 101106 for MariaDB 10.11.6. */
  readonly versionNum: number;
  readonly version: string;
  readonly capabilities: MysqlCapabilities;
}

/** A ServerInfo for planning MySQL/MariaDB DDL offline (lint --fix). */
export function mysqlServerInfo(
  flavor: MysqlFlavor,
  version: readonly [number, number, number],
  text = `${flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${version.join('.')}`,
): MysqlServerInfo {
  const capabilities = mysqlCapabilities(flavor, version);
  return Object.freeze({
    dialect: 'mysql',
    flavor,
    versionNum: version[0] * 10000 + version[1] * 100 + version[2],
    version: text,
    capabilities,
  });
}

/**
 * `SELECT VERSION()` → flavor and version: MariaDB says so (`10.11.6-MariaDB-0+deb12u1`, or
 * `5.5.5-10.11.6-MariaDB` through old replication handshakes); anything else is MySQL.
 */
export function parseMysqlServerVersion(text: string): MysqlServerInfo {
  const flavor: MysqlFlavor = /mariadb/i.test(text) ? 'mariadb' : 'mysql';
  const m = /^(?:5\.5\.5-)?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!m) {
    throw new UnsupportedServerError(`cannot read a MySQL/MariaDB version from "${text}"`, {
      where: 'SELECT VERSION()',
      hint: 'Ballast reads major.minor.patch at the start of VERSION(); report this server version',
    });
  }
  const label = flavor === 'mariadb' ? 'MariaDB' : 'MySQL';
  return mysqlServerInfo(flavor, [Number(m[1]), Number(m[2]), Number(m[3])], `${label} ${text}`);
}

export async function readMysqlServerInfo(session: Session): Promise<MysqlServerInfo> {
  const [row] = await session.query<{ v: string }>('select version() as v');
  return parseMysqlServerVersion(row!.v);
}
