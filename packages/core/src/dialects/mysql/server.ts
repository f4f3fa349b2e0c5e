import { pgCapabilities, type ServerInfo } from '../server.js';
import { mysqlCapabilities } from './capabilities.js';

/** A ServerInfo for planning MySQL/MariaDB DDL offline (lint --fix). PostgreSQL flags are all off. */
export function mysqlServerInfo(
  flavor: 'mysql' | 'mariadb',
  version: readonly [number, number, number],
): ServerInfo {
  return Object.freeze({
    dialect: 'mysql',
    versionNum: version[0] * 10000 + version[1] * 100 + version[2],
    version: `${flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${version.join('.')}`,
    capabilities: pgCapabilities(0),
    mysql: mysqlCapabilities(flavor, version),
  });
}
