/**
 * `ballast backfill list|status|pause|resume|cancel` against a real backfill running in another
 * process: while paused no row changes, after resume rows change again, cancel ends the job as
 * cancelled and a rerun finishes it with every row changed exactly once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pgServers, pgTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ballast, ballastProcess, root, spawnTs, waitFor } from './fixtures/cli.js';

const ROWS = 3000;
const script = join(root, 'packages/cli/test/fixtures/slow-backfill.ts');

function startBackfill(url: string, job: string) {
  const child = spawnTs(script, [url, job]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, exited, out: () => stdout, err: () => stderr };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const server of pgServers())
  describe(`[pg ${server.label}] ballast backfill`, () => {
    let tdb: TestDatabase;
    let conn: SqlConnection;
    const one = async <T>(sql: string, params: unknown[] = []) => (await conn.query<T>(sql, params))[0] as T;
    const changed = async () =>
      Number((await one<{ c: string }>('select count(*) as c from items where n > 0')).c);
    const state = async (job: string) => {
      const r = await ballast('backfill', 'status', job, '--json', '--database-url', tdb.url);
      return r.code === 0 ? (JSON.parse(r.stdout) as { state: string; rowsDone: number }) : undefined;
    };
    beforeAll(async () => {
      tdb = await pgTestDatabase('cli_backfill', server);
      conn = await tdb.connect();
      await conn.query('create table items (id int primary key, n int not null default 0)');
      await conn.query(`insert into items (id) select g from generate_series(1, ${ROWS}) g`);
    });
    afterAll(async () => {
      await conn.close();
      await tdb.drop();
    });

    test('list on a database without backfills; pause of an unknown job is an error', async () => {
      const list = await ballast('backfill', 'list', '--database-url', tdb.url);
      assert.deepEqual(list, { code: 0, stdout: 'no backfill jobs in this database\n', stderr: '' });
      const pause = await ballast('backfill', 'pause', 'nope', '--database-url', tdb.url);
      assert.equal(pause.code, 1);
      assert.match(pause.stderr, /no backfill job named "nope" is running in this database/);
      const missing = await ballast('backfill', 'pause', '--database-url', tdb.url);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /pause takes one job name/);
    });

    test('a checkpoint table from before pause/resume gets its request columns on the first pause', async () => {
      // The table as the first release created it (no request, no paused_at).
      await conn.query(`create table ballast_backfill_checkpoints (
        job text primary key, target text not null, paging text not null, last_key jsonb, upper_key jsonb,
        rows_done bigint not null default 0, batches bigint not null default 0,
        status text not null check (status in ('running', 'done', 'cancelled', 'failed')), error text,
        started_at timestamptz not null default now(), updated_at timestamptz not null default now())`);
      await conn.query(
        "insert into ballast_backfill_checkpoints (job, target, paging, status) values ('old', 'public.items', 'keyset', 'running')",
      );
      assert.equal((await state('old'))?.state, 'running');
      const pause = await ballast('backfill', 'pause', 'old', '--json', '--database-url', tdb.url);
      assert.equal(pause.code, 0, pause.stderr);
      assert.equal(JSON.parse(pause.stdout).state, 'pausing', 'no runner has seen it yet');
      assert.deepEqual(
        await one("select request, paused_at from ballast_backfill_checkpoints where job = 'old'"),
        {
          request: 'pause',
          paused_at: null,
        },
      );
      await conn.query("delete from ballast_backfill_checkpoints where job = 'old'");
    });

    test('pause stops the batches, resume continues, cancel ends the job resumable', async () => {
      const job = 'items-n';
      const run = startBackfill(tdb.url, job);
      await waitFor('the first batches', async () => ((await changed()) >= 100 ? true : undefined));

      const pause = await ballastProcess(['backfill', 'pause', job], { DATABASE_URL: tdb.url });
      assert.equal(pause.code, 0, pause.stderr);
      assert.match(pause.stdout, /^pause of items-n requested/);
      await waitFor('the runner to pause', async () =>
        (await state(job))?.state === 'paused' ? true : undefined,
      );
      const atPause = await changed();
      const checkpointAtPause = (await state(job))!.rowsDone;
      assert.ok(atPause < ROWS, `paused before the end (${atPause} rows changed)`);
      // Several poll rounds and batch intervals later, nothing moved.
      await sleep(2000);
      assert.equal(await changed(), atPause, 'no row changes while paused');
      assert.equal((await state(job))!.rowsDone, checkpointAtPause);
      assert.match(
        run.err(),
        /\[paused: requested by ballast backfill pause; ballast backfill resume to continue\]/,
      );
      const listed = await ballast('backfill', 'list', '--database-url', tdb.url);
      assert.match(listed.stdout, /items-n\s+paused\s+public\.items/);

      const resume = await ballast('backfill', 'resume', job, '--database-url', tdb.url);
      assert.equal(resume.code, 0, resume.stderr);
      await waitFor('rows to change again', async () => ((await changed()) > atPause ? true : undefined));
      assert.equal((await state(job))!.state, 'running');

      const cancel = await ballast('backfill', 'cancel', job, '--database-url', tdb.url);
      assert.equal(cancel.code, 0, cancel.stderr);
      assert.equal(await run.exited, 0, run.err());
      assert.equal(JSON.parse(run.out()).status, 'cancelled');
      const afterCancel = await changed();
      assert.ok(afterCancel < ROWS, `cancelled before the end (${afterCancel} rows changed)`);
      const cancelled = await state(job);
      assert.equal(cancelled?.state, 'cancelled');
      assert.equal(cancelled?.rowsDone, afterCancel);

      // Cancelled, not lost: the same job resumes from its checkpoint and finishes.
      const rerun = startBackfill(tdb.url, job);
      assert.equal(await rerun.exited, 0, rerun.err());
      assert.equal(JSON.parse(rerun.out()).resumed, true);
      assert.deepEqual(await one('select min(n) as min, max(n) as max from items'), { min: 1, max: 1 });
      assert.equal((await state(job))?.state, 'done');
    });
  });
