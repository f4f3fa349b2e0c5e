/**
 * Engines whose SQL is PostgreSQL's (standalone column/table backups) refuse a MySQL/MariaDB
 * database before sending any statement: a clear UnsupportedServerError, never PostgreSQL SQL the
 * server would misread, and nothing created on the server. (dropColumnWithBackup,
 * dropTableWithBackup, listBackups, restoreBackup, purgeBackups and expand/contract have a MySQL
 * branch: online-copy-mysql.test.ts, expand-mysql.test.ts and knex's mysql-copy.test.ts.)
 */
import assert from 'node:assert/strict';
import { backupColumn, backupTable } from '@ballast/core';
import { afterAll, beforeAll, test } from 'vitest';
import { type MysqlFixture, mysqlFixture } from './support/mysql.js';

let fx: MysqlFixture;
beforeAll(async () => {
  fx = await mysqlFixture('guards');
  await fx.sql('create table users (id int primary key, name text)');
});
afterAll(() => fx?.close());

test('the standalone backup entry points refuse a MySQL/MariaDB database, changing nothing', async () => {
  const db = () => fx.db;
  const calls: [string, () => Promise<unknown>][] = [
    ['backupColumn', () => backupColumn(db(), { table: 'users', column: 'name' })],
    ['backupTable', () => backupTable(db(), { table: 'users' })],
  ];
  for (const [name, call] of calls) {
    await assert.rejects(call(), (error: Error) => {
      assert.equal(error.name, 'UnsupportedServerError', `${name}: ${error.message}`);
      assert.match(
        error.message,
        new RegExp(`^${name} runs on PostgreSQL only; this database is MySQL/MariaDB`),
      );
      return true;
    });
  }
  const tables = await fx.sql<{ name: string }>(
    'select table_name as name from information_schema.tables where table_schema = database()',
  );
  assert.deepEqual(
    tables.map((t) => t.name),
    ['users'],
    'no Ballast table was created',
  );
  const [row] = await fx.sql<{ n: number }>(
    "select count(*) as n from information_schema.columns where table_schema = database() and table_name = 'users'",
  );
  assert.equal(Number(row!.n), 2, 'users keeps its two columns');
});
