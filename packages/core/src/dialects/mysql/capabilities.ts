/**
 * What a MySQL/MariaDB version can do online. Decided only here, from flavor and version, like
 * PgCapabilities for PostgreSQL.
 */
export interface MysqlCapabilities {
  readonly flavor: 'mysql' | 'mariadb';
  /** ADD COLUMN (last position) with ALGORITHM=INSTANT: MySQL 8.0.12+, MariaDB 10.3.2+. */
  readonly instantAddColumn: boolean;
  /** ADD COLUMN ... FIRST/AFTER with ALGORITHM=INSTANT: MySQL 8.0.29+, MariaDB 10.4+. */
  readonly instantAddColumnAnyPosition: boolean;
}

const atLeast = (v: readonly number[], min: readonly number[]) => {
  for (let i = 0; i < min.length; i++) if ((v[i] ?? 0) !== min[i]) return (v[i] ?? 0) > min[i]!;
  return true;
};

export function mysqlCapabilities(
  flavor: 'mysql' | 'mariadb',
  version: readonly number[],
): MysqlCapabilities {
  const maria = flavor === 'mariadb';
  return Object.freeze({
    flavor,
    instantAddColumn: atLeast(version, maria ? [10, 3, 2] : [8, 0, 12]),
    instantAddColumnAnyPosition: atLeast(version, maria ? [10, 4, 0] : [8, 0, 29]),
  });
}
