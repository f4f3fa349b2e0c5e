/**
 * consoleProgress outside a TTY: human lines by default, JSON lines only when asked; a failed
 * index build (real PostgreSQL) is an error event, never `done`; a restore says what it did.
 */
import assert from 'node:assert/strict';
import {
  consoleProgress,
  dropColumnWithBackup,
  planCreateIndex,
  restoreBackup,
  runPlan,
} from '@ballast/core';
import { renderFinish } from '@ballast/core/adapter';
import { pgServers } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type PgFixture, pgFixture } from './support/pg.js';

/** A non-TTY stream that keeps what was written. */
function capture(): { stream: NodeJS.WriteStream; lines: () => string[] } {
  let text = '';
  const stream = {
    isTTY: false,
    write: (s: string) => {
      text += s;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

const event = {
  operation: 'backfill',
  target: 'public.users',
  done: 12_345.6,
  total: 50_000,
  rate: 3456.78,
  etaSeconds: 11.2,
};

test('non-TTY: human lines with rounded numbers by default', () => {
  const out = capture();
  const progress = consoleProgress(out.stream);
  progress.update({ ...event, phase: 'running' });
  progress.update({ ...event, phase: 'paused: requested by ballast backfill pause' });
  progress.finish({ ...event, done: 50_000, message: '50,000 rows changed' });
  assert.deepEqual(out.lines(), [
    'backfill public.users: 12,346/50,000 (24%), 3,457/s, ETA 0m11s',
    'backfill public.users: 12,346/50,000 (24%), 3,457/s, ETA 0m11s [paused: requested by ballast backfill pause]',
    'backfill public.users: 50,000 rows changed',
  ]);
});

test('JSON lines only with json: true or BALLAST_PROGRESS=json', () => {
  const out = capture();
  consoleProgress(out.stream, { json: true }).update(event);
  const previous = process.env.BALLAST_PROGRESS;
  process.env.BALLAST_PROGRESS = 'json';
  try {
    consoleProgress(out.stream).finish(event);
  } finally {
    if (previous === undefined) delete process.env.BALLAST_PROGRESS;
    else process.env.BALLAST_PROGRESS = previous;
  }
  assert.deepEqual(
    out.lines().map((l) => JSON.parse(l).event),
    ['progress', 'done'],
  );
});

test('a restore is reported in words', () => {
  assert.equal(
    renderFinish({ operation: 'restore', target: 'public.users.bio', done: 1234 }),
    'restored 1,234 rows of public.users.bio from its backup',
  );
});

for (const server of pgServers())
  describe(`[pg ${server.label}] index build progress`, () => {
    let fx: PgFixture;
    beforeAll(async () => {
      fx = await pgFixture('progress', server);
    });
    afterAll(() => fx.close());

    test('a unique index build that fails on duplicates ends with an error event, not done', async () => {
      await fx.sql('create table dup (id int primary key, email text)');
      await fx.sql("insert into dup select g, 'same@example.com' from generate_series(1, 100) g");
      const out = capture();
      await assert.rejects(
        runPlan(fx.db, planCreateIndex({ table: 'dup', columns: ['email'], unique: true }, fx.server), {
          progress: consoleProgress(out.stream, { json: true }),
          retry: { maxAttempts: 1 },
        }),
      );
      const events = out.lines().map((l) => JSON.parse(l));
      const last = events.at(-1);
      assert.equal(last.event, 'error', JSON.stringify(events));
      assert.equal(last.error, 'index build failed');
      assert.ok(!events.some((e) => e.event === 'done'), JSON.stringify(events));
    });

    test('a backup copy and a restore on the batch loop are reported as backup and restore, in words', async () => {
      await fx.sql('create table notes (id int primary key, body text)');
      await fx.sql("insert into notes select g, 'n' || g from generate_series(1, 300) g");
      const copy = capture();
      const backup = await dropColumnWithBackup(
        fx.db,
        { table: 'notes', column: 'body', confirmUnused: true },
        { progress: consoleProgress(copy.stream) },
      );
      // The copy's own line, then the build of the backup's key (an index build, so reported as one).
      const [copied, keyed] = copy.lines().slice(-2);
      assert.match(copied!, /^backed up 300 rows of public\.notes\.body/, copy.lines().join('\n'));
      assert.equal(keyed, `create-index ${backup.backupSchema}.${backup.backupTable} (key): index built`);
      const restore = capture();
      await restoreBackup(fx.db, backup.id, { progress: consoleProgress(restore.stream) });
      assert.match(restore.lines().at(-1)!, /^restored 300 rows of /, restore.lines().join('\n'));
      const [row] = await fx.sql<{ n: string }>("select count(*) as n from notes where body = 'n' || id");
      assert.equal(Number(row!.n), 300);
    });
  });
