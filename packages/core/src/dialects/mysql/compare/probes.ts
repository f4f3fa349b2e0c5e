import type { CatalogProbe } from '../../postgres/catalog.js';
import type { TableRef } from '../../table-ref.js';

/**
 * Done-probes of the MySQL/MariaDB plans (`step.done`): one 0/1 column read from
 * information_schema, names bound as values. Without `schema` the connection's database
 * (`database()`) is meant, as it is for the DDL's unqualified table name.
 */
const probe = (sql: string, ...params: unknown[]): CatalogProbe => ({ sql, params });

const column = (ref: TableRef, name: string) =>
  [
    `select 1 from information_schema.COLUMNS
    where TABLE_SCHEMA = coalesce(?, database()) and TABLE_NAME = ? and COLUMN_NAME = ?`,
    [ref.schema ?? null, ref.table, name],
  ] as const;

const index = (ref: TableRef, name: string) =>
  [
    `select 1 from information_schema.STATISTICS
    where TABLE_SCHEMA = coalesce(?, database()) and TABLE_NAME = ? and INDEX_NAME = ?`,
    [ref.schema ?? null, ref.table, name],
  ] as const;

const foreignKey = (ref: TableRef, name: string) =>
  [
    `select 1 from information_schema.REFERENTIAL_CONSTRAINTS
    where CONSTRAINT_SCHEMA = coalesce(?, database()) and TABLE_NAME = ? and CONSTRAINT_NAME = ?`,
    [ref.schema ?? null, ref.table, name],
  ] as const;

const exists = ([sql, params]: readonly [string, readonly unknown[]]) =>
  probe(`select exists (${sql}) as done`, ...params);
const missing = ([sql, params]: readonly [string, readonly unknown[]]) =>
  probe(`select not exists (${sql}) as done`, ...params);

export const mysqlColumnExists = (ref: TableRef, name: string) => exists(column(ref, name));
export const mysqlColumnMissing = (ref: TableRef, name: string) => missing(column(ref, name));
export const mysqlIndexExists = (ref: TableRef, name: string) => exists(index(ref, name));
export const mysqlIndexMissing = (ref: TableRef, name: string) => missing(index(ref, name));
export const mysqlForeignKeyExists = (ref: TableRef, name: string) => exists(foreignKey(ref, name));
export const mysqlForeignKeyMissing = (ref: TableRef, name: string) => missing(foreignKey(ref, name));
