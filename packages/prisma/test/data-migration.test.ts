/**
 * Data migrations: `migration.ts` beside a migration.sql runs after that SQL through core's
 * backfill engine. Killed with SIGKILL mid-backfill, a rerun finishes it: every row changed
 * exactly once, one finished `_prisma_migrations` row per migration.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pgServers, pgTestDatabase, type SqlConnection } from '@ballast/testkit';
import { describe, test } from 'vitest';
import {
  BIN,
  ballastPrisma,
  type PrismaProject,
  prisma,
  prismaProject,
  SOURCE_NODE_ARGS,
} from './prisma-project.js';

const MODEL =
  'model Item {\n  id    Int     @id @default(autoincrement())\n  n     Int     @default(0)\n  label String?\n}';
const ROWS = 20_000;
const INIT = `CREATE TABLE "Item" ("id" SERIAL NOT NULL, "n" INTEGER NOT NULL DEFAULT 0, CONSTRAINT "Item_pkey" PRIMARY KEY ("id"));
INSERT INTO "Item" ("n") SELECT 0 FROM generate_series(1, ${ROWS});
`;
// Type annotations on purpose: the module is loaded as TypeScript, without a compile step.
// `n + 1` is not idempotent: a batch applied twice would leave a 2.
const DATA_MIGRATION = `interface Context {
  backfill(spec: object, options?: object): Promise<{ rowsChanged: number }>;
}
export async function up({ backfill }: Context): Promise<void> {
  await backfill(
    { table: 'Item', set: { n: '"n" + 1', label: $$'item-' || "id"$$ } },
    { initialBatchSize: 200, minBatchSize: 200, maxBatchSize: 200, pauseMs: 30 },
  );
}
`.replaceAll('$$', '`');

function project(url: string, module = DATA_MIGRATION): PrismaProject {
  const p = prismaProject(url, MODEL);
  p.addMigration('20260101000000_init', INIT);
  const sql = p.addMigration('20260102000000_label', 'ALTER TABLE "Item" ADD COLUMN "label" TEXT;\n');
  writeFileSync(join(sql, '..', 'migration.ts'), module);
  return p;
}

const finishedRows = (conn: SqlConnection) =>
  conn.query<{ migration_name: string; finished: boolean }>(
    'select migration_name, finished_at is not null as finished from _prisma_migrations order by migration_name, started_at',
  );

async function assertDone(conn: SqlConnection, p: PrismaProject) {
  const counts = await conn.query<{ n: number; rows: string }>(
    `select n, count(*)::text as rows from "Item" where label = 'item-' || id group by n`,
  );
  assert.deepEqual(counts, [{ n: 1, rows: String(ROWS) }]);
  assert.deepEqual(
    (await finishedRows(conn)).map((r) => [r.migration_name, r.finished]),
    [
      ['20260101000000_init', true],
      ['20260102000000_label', true],
    ],
  );
  const status = await prisma(p, 'migrate', 'status');
  assert.equal(status.code, 0, status.stdout + status.stderr);
  assert.match(status.stdout, /up to date/);
}

describe.each(pgServers())('ballast-prisma data migrations (PostgreSQL $label)', (server) => {
  test('migration.ts runs after its SQL through the backfill engine', async () => {
    const db = await pgTestDatabase('prisma_data', server);
    const conn = await db.connect();
    try {
      const p = project(db.url);
      const run = await ballastPrisma(p, 'migrate', 'deploy');
      assert.equal(run.code, 0, run.stdout + run.stderr);
      await assertDone(conn, p);
      const jobs = await conn.query<{ job: string; status: string }>(
        'select job, status from ballast_backfill_checkpoints',
      );
      assert.deepEqual(jobs, [{ job: 'prisma:20260102000000_label:1', status: 'done' }]);
    } finally {
      await conn.close();
      await db.drop();
    }
  });

  test('kill -9 mid-backfill, rerun: every row changed exactly once, one finished row per migration', async () => {
    const db = await pgTestDatabase('prisma_data_kill', server);
    const conn = await db.connect();
    try {
      const p = project(db.url);
      const child = spawn(process.execPath, [...SOURCE_NODE_ARGS, BIN, 'migrate', 'deploy'], {
        cwd: p.dir,
        env: p.env,
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      for (let i = 0; ; i++) {
        const [cp] = await conn
          .query<{ rows: string }>(
            `select rows_done::text as rows from ballast_backfill_checkpoints where status = 'running' and rows_done > 0`,
          )
          .catch(() => []);
        if (cp) break;
        assert.ok(i < 1200, 'the deploy never started its backfill');
        await sleep(50);
      }
      child.kill('SIGKILL');
      await exited;
      const half = await conn.query<{ rows: string }>(
        `select count(*)::text as rows from "Item" where n = 1`,
      );
      assert.ok(
        Number(half[0]!.rows) > 0 && Number(half[0]!.rows) < ROWS,
        `changed before the kill: ${half[0]!.rows}`,
      );
      assert.deepEqual(
        (await finishedRows(conn)).map((r) => [r.migration_name, r.finished]),
        [
          ['20260101000000_init', true],
          ['20260102000000_label', false],
        ],
      );
      const rerun = await ballastPrisma(p, 'migrate', 'deploy');
      assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
      assert.match(rerun.stderr, /resuming 20260102000000_label/);
      await assertDone(conn, p);
    } finally {
      await conn.close();
      await db.drop();
    }
  });

  test('a module without an up export is refused before anything of that migration runs', async () => {
    const db = await pgTestDatabase('prisma_data_bad', server);
    const conn = await db.connect();
    try {
      const p = project(db.url, 'export const down = 1;\n');
      const run = await ballastPrisma(p, 'migrate', 'deploy');
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stderr, /DataMigration|migration\.ts exports/);
      assert.match(run.stderr, /up\b/);
      assert.deepEqual(
        (await finishedRows(conn)).map((r) => r.migration_name),
        ['20260101000000_init'],
      );
      const broken = project(db.url, 'export async function up( {\n');
      const again = await ballastPrisma(broken, 'migrate', 'deploy');
      assert.equal(again.code, 1, again.stdout + again.stderr);
      assert.match(again.stderr, /cannot load the data migration .*migration\.ts/);
    } finally {
      await conn.close();
      await db.drop();
    }
  });
});
