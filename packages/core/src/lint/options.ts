/** Lint options: defaults and the parsing of `--pg-version` / `--mysql-version` values. */
import { InvalidArgumentError } from '../errors.js';
import type { LintOptions, MysqlServer } from './types.js';

export const DEFAULT_OPTIONS: LintOptions = Object.freeze({
  dialect: 'postgres',
  pgVersion: 15,
  mysql: Object.freeze({ flavor: 'mysql', version: [8, 0, 36] as const }),
  transaction: 'none',
  assumeInTransaction: false,
});

export function lintOptions(partial: Partial<LintOptions> = {}): LintOptions {
  const transaction =
    partial.transaction ?? (partial.assumeInTransaction ? 'wrapped' : DEFAULT_OPTIONS.transaction);
  return { ...DEFAULT_OPTIONS, ...partial, transaction, assumeInTransaction: transaction !== 'none' };
}

/** `15`, `15.4`, `PostgreSQL 16` → major version. */
export function parsePgVersion(text: string): number {
  const m = /(\d+)/.exec(text);
  const major = m ? Number(m[1]) : Number.NaN;
  if (!(major >= 9 && major <= 30)) {
    throw new InvalidArgumentError([
      {
        argument: '--pg-version',
        given: JSON.stringify(text),
        allowed: 'a PostgreSQL major version, 9 to 30 (e.g. 15)',
      },
    ]);
  }
  return major;
}

/** `8.0.36`, `mysql-8.0`, `mariadb-10.11`, `10.11.6-MariaDB` → flavor and version. */
export function parseMysqlVersion(text: string): MysqlServer {
  const flavor = /maria/i.test(text) ? 'mariadb' : 'mysql';
  const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  if (!m)
    throw new InvalidArgumentError([
      {
        argument: '--mysql-version',
        given: JSON.stringify(text),
        allowed: 'a version number (e.g. 8.0.36 or mariadb-10.11)',
      },
    ]);
  return { flavor, version: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] };
}
