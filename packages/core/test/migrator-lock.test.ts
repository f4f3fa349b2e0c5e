/**
 * The migrator lock (ballast_locks) between real concurrent runs: one applies, the other waits or
 * fails with a LockedError naming the holder; a crashed holder's lock is taken over at once when
 * its backend is gone from pg_stat_activity, else once its TTL expired.
 */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LockedError, type Plan, planAddColumn, runPlan, withMigratorLock } from '@ballast/core';
import { freezePlan } from '@ballast/core/adapter';
import { pgServers } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { childHoldingLock } from './support/lock-child.js';
import { logLines, type PgFixture, pgFixture } from './support/pg.js';

const CHILD = fileURLToPath(new URL('./fixtures/lock-child.ts', import.meta.url));

let fx: PgFixture;
beforeAll(async () => {
  fx = await pgFixture('lock');
  await fx.sql('create table ml (id int primary key)');
});
afterAll(() => fx.close());

/** add column ml.<column>, preceded by a step that holds the run for `ms`. */
function slowPlan(column: string, ms: number): Plan {
  const add = planAddColumn({ table: 'ml', column, type: 'int' }, fx.server);
  return freezePlan({
    ...add,
    steps: [
      {
        kind: 'sql',
        id: `slow:${column}`,
        description: 'hold the run',
        lock: 'none',
        transactional: true,
        timeout: 'long',
        sql: 'select pg_sleep($1::float8 / 1000)',
        params: [ms],
      },
      ...add.steps,
    ],
  });
}

test('two concurrent runs under one lock name: one applies, the other fails cleanly naming the holder', async () => {
  const first = runPlan(fx.db, slowPlan('a', 1500), { lock: { name: 'deploy' } });
  await new Promise((r) => setTimeout(r, 300));
  const started = Date.now();
  await assert.rejects(
    runPlan(fx.db, slowPlan('a', 0), { lock: { name: 'deploy', waitMs: 400 } }),
    (error: unknown) => {
      assert.ok(error instanceof LockedError);
      assert.equal(error.lockName, 'deploy');
      assert.equal(error.holder.pid, process.pid);
      assert.equal(error.holder.host, hostname());
      assert.match(error.message, new RegExp(`held by pid ${process.pid} on `));
      return true;
    },
  );
  assert.ok(Date.now() - started >= 400, 'waited waitMs before failing');
  const report = await first;
  assert.ok(report.steps.every((s) => s.status === 'applied'));
});

test('a second run that may wait long enough runs after the first, and finds its work done', async () => {
  const order: string[] = [];
  const first = runPlan(fx.db, slowPlan('b', 1000), { lock: { name: 'deploy' } }).then((r) => {
    order.push('first');
    return r;
  });
  await new Promise((r) => setTimeout(r, 200));
  const second = runPlan(fx.db, slowPlan('b', 0), { lock: { name: 'deploy', waitMs: 10_000 } }).then((r) => {
    order.push('second');
    return r;
  });
  const [, r2] = await Promise.all([first, second]);
  assert.deepEqual(order, ['first', 'second']);
  assert.equal(r2.steps.at(-1)!.status, 'already-done');
});

test('the heartbeat keeps a lock held longer than its TTL', async () => {
  const holding = withMigratorLock(fx.db, 'hb', () => new Promise((r) => setTimeout(r, 1500)), {
    ttlMs: 400,
  });
  await new Promise((r) => setTimeout(r, 900));
  await assert.rejects(
    withMigratorLock(fx.db, 'hb', async () => {}, { waitMs: 200 }),
    LockedError,
  );
  await holding;
  await withMigratorLock(fx.db, 'hb', async () => {}, { waitMs: 0 });
});

test("a crashed holder's lock expires after its TTL", async () => {
  await fx.sql(
    `insert into ballast_locks (name, holder, pid, host, acquired_at, expires_at)
     values ('crash', 'gone', 999999, 'dead-host', now() - interval '1 hour', now() + interval '700 milliseconds')`,
  );
  await assert.rejects(
    withMigratorLock(fx.db, 'crash', async () => {}, { waitMs: 100 }),
    (error: unknown) => {
      assert.ok(error instanceof LockedError);
      assert.equal(error.holder.pid, 999999);
      assert.equal(error.holder.host, 'dead-host');
      assert.match(error.message, /expires by itself at/);
      return true;
    },
  );
  const value = await withMigratorLock(fx.db, 'crash', async () => 'ran', { waitMs: 5000 });
  assert.equal(value, 'ran');
  assert.deepEqual(await fx.sql("select * from ballast_locks where name = 'crash'"), []);
});

test('a nested run under the same lock name does not wait for itself', async () => {
  const value = await withMigratorLock(fx.db, 'ballast', () =>
    runPlan(fx.db, planAddColumn({ table: 'ml', column: 'nested', type: 'int' }, fx.server), {
      lock: { waitMs: 0 },
    }),
  );
  assert.equal(value.steps[0]!.status, 'applied');
});

/** A lock row as another process left it: renewed 5 s ago by backend `pid` started at `start`. */
const insertHolder = (
  fx: PgFixture,
  name: string,
  backend: { pid: number; start: string; otherServer?: boolean },
) =>
  fx.sql(
    `insert into ballast_locks (name, holder, pid, host, acquired_at, expires_at,
                                backend_pid, backend_start, server_start, heartbeat_at)
     values ($1, 'other', 4242, 'other-host', now() - interval '1 minute', now() + interval '30 seconds',
             $2, $3, case when $4 then timestamptz '2000-01-01' else pg_postmaster_start_time() end,
             now() - interval '5 seconds')`,
    [name, backend.pid, backend.start, backend.otherServer ?? false],
  );

/** Runs `fn` while a session of its own stays open, with that session's backend pid and start. */
const withLiveBackend = <T>(fx: PgFixture, fn: (backend: { pid: number; start: string }) => Promise<T>) =>
  fx.db.withSession(async (s) => {
    const [me] = await s.query<{ pid: number; start: string }>(
      'select pid, backend_start::text as start from pg_stat_activity where pid = pg_backend_pid()',
    );
    return fn(me!);
  });

for (const server of pgServers()) {
  describe(`stale holders on PostgreSQL (${server.label})`, () => {
    let px: PgFixture;
    beforeAll(async () => {
      px = await pgFixture('lockstale', server);
      // ballast_locks as versions before backend tracking created it: upgraded in place on first use.
      await px.sql(`create table ballast_locks (name text primary key, holder text not null, pid integer,
        host text, acquired_at timestamptz not null default now(), expires_at timestamptz not null)`);
      await withMigratorLock(px.db, 'setup', async () => {});
    });
    afterAll(() => px.close());

    test('a holder killed with kill -9 is taken over at once, not after its 30 s TTL', async () => {
      const child = await childHoldingLock(CHILD, px.test.url, 'killed');
      await assert.rejects(
        withMigratorLock(px.db, 'killed', async () => {}, { waitMs: 300 }),
        LockedError,
      );
      await child.kill();
      const { lines, log } = logLines();
      // 5 s < the child's 30 s TTL: only the takeover of a dead backend lets this run.
      const value = await withMigratorLock(px.db, 'killed', async () => 'ran', { waitMs: 5000, log });
      assert.equal(value, 'ran');
      assert.ok(
        lines.some(
          (l) => l.includes(`taken over from pid ${child.pid} `) && l.includes('gone from pg_stat_activity'),
        ),
        lines.join('\n'),
      );
    });

    test('a live holder backend keeps its lock although it missed renewals', async () => {
      await withLiveBackend(px, async (backend) => {
        await insertHolder(px, 'alive', backend);
        await assert.rejects(
          withMigratorLock(px.db, 'alive', async () => {}, { waitMs: 300 }),
          LockedError,
        );
      });
    });

    test('a holder whose pid now belongs to a newer backend is taken over (the pid was reused)', async () => {
      await withLiveBackend(px, async (backend) => {
        await insertHolder(px, 'reused', { pid: backend.pid, start: '2000-01-01 00:00:00+00' });
        assert.equal(await withMigratorLock(px.db, 'reused', async () => 'ran', { waitMs: 0 }), 'ran');
      });
    });

    test('a holder on another server keeps the TTL rule: its backend cannot be seen from here', async () => {
      await insertHolder(px, 'elsewhere', {
        pid: 999999,
        start: '2026-01-01 00:00:00+00',
        otherServer: true,
      });
      await assert.rejects(
        withMigratorLock(px.db, 'elsewhere', async () => {}, { waitMs: 300 }),
        LockedError,
      );
    });
  });
}
