import type { Dialect } from '../db.js';
import { mysqlRuntime } from './mysql/runtime.js';
import { postgresRuntime } from './postgres/runtime.js';
import type { DialectRuntime, ErrorKind } from './runtime.js';

const RUNTIMES: Readonly<Record<Dialect, DialectRuntime>> = {
  postgres: postgresRuntime,
  mysql: mysqlRuntime,
};

/** The runtime of a Database, a Session, a ServerInfo, or a dialect name. */
export function runtimeOf(of: Dialect | { readonly dialect: Dialect }): DialectRuntime {
  return RUNTIMES[typeof of === 'string' ? of : of.dialect];
}

/**
 * What an error means, whichever server raised it: the drivers' error shapes do not overlap
 * (a SQLSTATE string in `code` for pg, a numeric `errno` for mysql2).
 */
export const errorKind = (error: unknown): ErrorKind | undefined =>
  postgresRuntime.classifyError(error) ?? mysqlRuntime.classifyError(error);
