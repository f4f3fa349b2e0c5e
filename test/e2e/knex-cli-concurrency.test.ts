import assert from 'node:assert/strict';
import { connect, pgTestDatabase, type SqlConnection } from '@ballast/testkit';
import { test } from 'vitest';
import { type CliResult, readState, runKnex, startKnex } from '../../examples/knex-app/app.js';

/**
 * The knex-app migrations through the real Knex CLI, as separate processes: two deploys racing on
 * the same migrations, and a deploy killed with SIGKILL in the middle of a backfill.
 */
const INITIAL = '20240101000000_initial_schema.ts';
const USERS = 100_000;

async function seeded(): Promise<{ url: string; conn: SqlConnection; drop: () => Promise<void> }> {
  const db = await pgTestDatabase('knexcli');
  const env = { DATABASE_URL: db.url, SEED_USERS: String(USERS) };
  for (const args of [['migrate:up', INITIAL], ['seed:run']]) {
    const result = await runKnex(args, env);
    assert.equal(result.code, 0, `${args.join(' ')}:\n${result.stderr}`);
  }
  const conn = await connect(db.url);
  return {
    url: db.url,
    conn,
    drop: async () => {
      await conn.close();
      await db.drop();
    },
  };
}

async function expectAllApplied(url: string, conn: SqlConnection): Promise<void> {
  const state = await readState(url);
  assert.equal(state.migrations.length, 5);
  assert.equal(
    new Set(state.migrations).size,
    5,
    `each migration recorded once: ${state.migrations.join(', ')}`,
  );
  assert.ok(state.notNull.includes('users.full_name'));
  const [wrong] = await conn.query<{ n: string }>(
    "select count(*) as n from users where full_name is distinct from first_name || ' ' || last_name",
  );
  assert.equal(wrong!.n, '0');
}

const output = (r: CliResult) => `${r.stdout}\n${r.stderr}`;

test('two `knex migrate:latest` processes at once: exactly one applies the batch, the other stops cleanly', async () => {
  const { url, conn, drop } = await seeded();
  try {
    const env = { DATABASE_URL: url };
    const results = await Promise.all([
      startKnex(['migrate:latest'], env).done,
      startKnex(['migrate:latest'], env).done,
    ]);
    const winners = results.filter((r) => r.code === 0 && /Batch 2 run: 4 migrations/.test(r.stdout));
    assert.equal(winners.length, 1, results.map(output).join('\n-----\n'));
    const loser = results.find((r) => r !== winners[0])!;
    // Knex's own lock turns the second process away ("already locked"), or it started after the
    // first finished ("Already up to date"), or it lost the race to Knex's lock by a hair and
    // Ballast saw the migration recorded meanwhile: in every case it changed nothing.
    const clean =
      (loser.code === 1 && /Migration table is already locked/.test(output(loser))) ||
      (loser.code === 0 && /Already up to date/.test(loser.stdout)) ||
      (loser.code === 1 && /already recorded in knex_migrations/.test(output(loser)));
    assert.ok(clean, `second process: exit ${loser.code}\n${output(loser)}`);
    console.log(
      `second process: exit ${loser.code}: ${output(loser).match(/Migration table is already locked|Already up to date|already recorded in knex_migrations/)?.[0]}`,
    );
    await expectAllApplied(url, conn);
    // Each step of the batch ran once: one journal row per (migration attempt, step), all successful.
    const [journal] = await conn.query<{ keys: string; failed: string }>(
      'select count(distinct migration) as keys, count(*) filter (where not success) as failed from ballast_journal',
    );
    assert.deepEqual(journal, { keys: '4', failed: '0' });
  } finally {
    await drop();
  }
});

// The job's own row: a table this big is filled as key ranges, each checkpointed as `<job>#<i>`.
const JOB_ROW = "and job !~ '#[0-9]+$'";

test('a deploy killed with SIGKILL mid-backfill: `knex migrate:unlock` + `migrate:latest` resumes and completes it', async () => {
  const { url, conn, drop } = await seeded();
  try {
    const env = { DATABASE_URL: url };
    const first = startKnex(['migrate:latest'], env);
    // Kill it once the full_name backfill has committed some batches, but not all.
    const deadline = Date.now() + 120_000;
    let progress = 0;
    while (Date.now() < deadline) {
      const rows = await conn
        .query<{ rows_done: string; status: string }>(
          `select rows_done, status from ballast_backfill_checkpoints where target like '%users%' ${JOB_ROW}`,
        )
        .catch(() => []);
      progress = Number(rows[0]?.rows_done ?? 0);
      if (progress > 0 && rows[0]?.status === 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(progress > 0 && progress < USERS, `killed mid-backfill (${progress} of ${USERS} rows done)`);
    const [{ killedAt } = { killedAt: new Date() }] = await conn.query<{ killedAt: Date }>(
      'select now() as "killedAt"',
    );
    first.child.kill('SIGKILL');
    const killed = await first.done;
    assert.notEqual(killed.code, 0);

    // Knex's lock row stays set after a kill: Knex itself refuses until it is released.
    const refused = await runKnex(['migrate:latest'], env);
    assert.equal(refused.code, 1);
    assert.match(output(refused), /Migration table is already locked/);
    assert.equal((await runKnex(['migrate:unlock'], env)).code, 0);

    // Ballast's own lock of the killed run expires after its TTL; the rerun waits for it.
    const rerun = await runKnex(['migrate:latest'], env);
    assert.equal(rerun.code, 0, output(rerun));
    assert.match(rerun.stdout, /Batch 2 run: 4 migrations/);
    await expectAllApplied(url, conn);
    const [checkpoint] = await conn.query<{ rows_done: string; status: string; resumed: boolean }>(
      `select rows_done, status, started_at < $1 as resumed from ballast_backfill_checkpoints
        where target like '%users%' ${JOB_ROW}`,
      [killedAt],
    );
    // One checkpoint, begun before the kill: the rerun continued that job instead of starting over.
    assert.deepEqual(checkpoint, { rows_done: String(USERS), status: 'done', resumed: true });
    assert.match(output(rerun), /skip add-column:users\.full_name:add: journaled as done/);
    console.log(`killed at ${progress} of ${USERS} rows; the rerun resumed and completed`);
  } finally {
    await drop();
  }
});
