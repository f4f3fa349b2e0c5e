/** The server plans are made for when no live one is given: what the lint options describe. */
import { mysqlServerInfo } from '../dialects/mysql/server.js';
import { type ServerInfo, serverInfoFor } from '../dialects/server.js';
import type { LintOptions } from '../lint/types.js';

/** `--pg-version 14` is the newest 14.x (planners refuse the broken 14.0–14.3); MySQL its `--mysql-version`. */
export function serverForLint(options: Pick<LintOptions, 'dialect' | 'pgVersion' | 'mysql'>): ServerInfo {
  if (options.dialect === 'postgres') return serverInfoFor(Math.max(options.pgVersion, 10) * 10000 + 99);
  const { flavor, version } = options.mysql;
  return mysqlServerInfo(flavor, [...version] as [number, number, number]);
}
