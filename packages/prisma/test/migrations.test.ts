import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresDatabaseFromUrl } from '@ballast/core';
import { migrationStates, readPrismaMigrations } from '@ballast/prisma';
import { pgTestDatabase, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';

// The table exactly as Prisma Migrate creates it.
const PRISMA_MIGRATIONS_DDL = `CREATE TABLE "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`;

function migrationsFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'prisma-migrations-'));
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  }
  writeFileSync(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  return dir;
}

describe('Prisma migration states against _prisma_migrations', () => {
  let pg: TestDatabase;
  beforeAll(async () => {
    pg = await pgTestDatabase();
  });
  afterAll(() => pg.drop());

  test('reads folders in order with the checksum Prisma stores', () => {
    const dir = migrationsFolder({ '20240102000000_b': 'select 2;', '20240101000000_a': 'select 1;' });
    const migrations = readPrismaMigrations(dir);
    assert.deepEqual(
      migrations.map((m) => m.name),
      ['20240101000000_a', '20240102000000_b'],
    );
    assert.equal(migrations[0]!.checksum, createHash('sha256').update('select 1;').digest('hex'));
  });

  test('classifies pending, applied, failed and modified migrations', async () => {
    const files = {
      '20240101000000_init': 'CREATE TABLE "User" (id serial primary key);',
      '20240102000000_email': 'ALTER TABLE "User" ADD COLUMN email text;',
      '20240103000000_broken': 'ALTER TABLE nope ADD COLUMN x int;',
      '20240104000000_index': 'CREATE INDEX ON "User"(email);',
    };
    const dir = migrationsFolder(files);
    const db = postgresDatabaseFromUrl(pg.url);
    try {
      assert.deepEqual(
        (await migrationStates(db, dir)).map((s) => s.status),
        ['pending', 'pending', 'pending', 'pending'],
        'no _prisma_migrations table yet: everything is pending',
      );
      const conn = await pg.connect();
      await conn.query(PRISMA_MIGRATIONS_DDL);
      const insert =
        'insert into "_prisma_migrations" (id, checksum, finished_at, migration_name, logs) values ($1, $2, $3, $4, $5)';
      const sum = (s: string) => createHash('sha256').update(s).digest('hex');
      await conn.query(insert, [
        randomUUID(),
        sum(files['20240101000000_init']),
        new Date(),
        '20240101000000_init',
        null,
      ]);
      await conn.query(insert, [
        randomUUID(),
        sum('something else'),
        new Date(),
        '20240102000000_email',
        null,
      ]);
      await conn.query(insert, [
        randomUUID(),
        sum(files['20240103000000_broken']),
        null,
        '20240103000000_broken',
        'relation "nope" does not exist',
      ]);
      await conn.close();
      const states = await migrationStates(db, dir);
      assert.deepEqual(
        states.map((s) => [s.migration.name, s.status]),
        [
          ['20240101000000_init', 'applied'],
          ['20240102000000_email', 'modified'],
          ['20240103000000_broken', 'failed'],
          ['20240104000000_index', 'pending'],
        ],
      );
    } finally {
      await db.close?.();
    }
  });

  test('a missing folder is a clear error', () => {
    assert.throws(
      () => readPrismaMigrations('/nonexistent/prisma/migrations'),
      /no Prisma migrations folder at \/nonexistent/,
    );
  });
});
