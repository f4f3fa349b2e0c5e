/**
 * `ballast rollout` over a fleet of 20 databases (acceptance of issue #16's fleet rollout): four
 * waves of the Knex migrations in test/fixtures/rollout through Knex's own migrator; a gate query
 * reporting errors on a wave-2 database halts the rollout and auto-rollback restores wave 2
 * exactly while waves 3–4 stay untouched; then the retried rollout is killed with SIGKILL in the
 * middle of a wave, and a rerun finishes it with every database migrated exactly once.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgServers, pgTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ballast, bin, spawnTs, waitFor } from '../../packages/cli/test/fixtures/cli.js';

const FLEET = 20;
const ROWS = 200;
const migrations = fileURLToPath(new URL('../fixtures/rollout', import.meta.url));

/** Schema (user tables only: Ballast's and Knex's own bookkeeping are not the application's) and data. */
async function fingerprint(conn: SqlConnection): Promise<string> {
  const [row] = await conn.query<{ schema: string; data: string }>(
    `select
       (select md5(coalesce(string_agg(concat_ws(' ', table_name, column_name, data_type, is_nullable, column_default), '|'
                 order by table_name, column_name), ''))
          from information_schema.columns
         where table_schema = 'public' and table_name not like 'ballast%' and table_name not like 'knex%')
       || (select md5(coalesce(string_agg(indexdef, '|' order by indexdef), '')) from pg_indexes
            where schemaname = 'public' and tablename not like 'ballast%' and tablename not like 'knex%') as schema,
       (select md5(string_agg(to_jsonb(a)::text, '|' order by id)) from accounts a)
         || (select ups from rollout_marker)::text || (select errors from app_health)::text as data`,
  );
  return `${row!.schema}/${row!.data}`;
}

const scalar = async (conn: SqlConnection, sql: string) =>
  Object.values((await conn.query<Record<string, unknown>>(sql))[0]!)[0];

for (const server of pgServers())
  describe(`[pg ${server.label}] ballast rollout over ${FLEET} databases`, () => {
    const fleet: { db: TestDatabase; conn: SqlConnection }[] = [];
    let control: TestDatabase;
    let controlConn: SqlConnection;
    let targetsFile: string;
    beforeAll(async () => {
      control = await pgTestDatabase('rollout_ctl', server);
      controlConn = await control.connect();
      for (let i = 0; i < FLEET; i++) {
        const db = await pgTestDatabase(`rollout_${i}`, server);
        const conn = await db.connect();
        await conn.query(`create table accounts (id int primary key, name text not null, legacy text)`);
        await conn.query(
          `insert into accounts select g, 'a' || g, case when g % 3 = 0 then null else md5(g::text) end
             from generate_series(1, ${ROWS}) g`,
        );
        await conn.query(
          'create table rollout_marker (ups int not null); insert into rollout_marker values (0)',
        );
        await conn.query('create table app_health (errors int not null); insert into app_health values (0)');
        fleet.push({ db, conn });
      }
      targetsFile = join(tmpdir(), `ballast-rollout-${control.name}.txt`);
      writeFileSync(targetsFile, `# the fleet\n${fleet.map((f) => f.db.url).join('\n')}\n`);
    });
    afterAll(async () => {
      for (const f of fleet) {
        await f.conn.close();
        await f.db.drop();
      }
      await controlConn?.close();
      await control?.drop();
    });

    const args = (...more: string[]) => [
      'rollout',
      migrations,
      '--control-url',
      control.url,
      '--targets',
      targetsFile,
      '--id',
      'acceptance',
      '--waves',
      '5,10,15,100%',
      '--concurrency',
      '3',
      '--gate-sql',
      'select errors from app_health',
      '--gate-max',
      '0',
      '--auto-rollback',
      ...more,
    ];
    const statuses = async () =>
      (
        await controlConn.query<{ wave: number; status: string; n: string }>(
          `select wave, status, count(*) as n from ballast_rollout_targets where rollout_id = 'acceptance'
            group by 1, 2 order by 1, 2`,
        )
      ).map((r) => `${r.wave}:${r.status}:${r.n}`);

    test('a failing gate after wave 2 halts; auto-rollback restores wave 2 exactly; waves 3–4 untouched', async () => {
      const before = await Promise.all(fleet.map((f) => fingerprint(f.conn)));
      await fleet[7]!.conn.query('update app_health set errors = 3'); // wave 2 is fleet[5..9]
      const faulty = await fingerprint(fleet[7]!.conn);

      const run = await ballast(...args());
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /rollout acceptance: halted, 5 of 20 databases migrated/);
      assert.match(run.stdout, /halted at wave 2: gate query on \S+ returned 3 > 0/);
      assert.deepEqual(await statuses(), ['1:applied:5', '2:rolled-back:5', '3:pending:5', '4:pending:5']);

      for (const [i, f] of fleet.entries()) {
        const now = await fingerprint(f.conn);
        if (i < 5) {
          assert.equal(
            await scalar(f.conn, 'select ups from rollout_marker'),
            1,
            `wave 1 db ${i} migrated once`,
          );
          assert.notEqual(now, before[i], `wave 1 db ${i} changed`);
        } else if (i < 10) {
          assert.equal(now, i === 7 ? faulty : before[i], `wave 2 db ${i} restored exactly`);
          assert.equal(await scalar(f.conn, 'select count(*)::int from knex_migrations'), 0);
        } else {
          assert.equal(now, before[i], `db ${i} untouched`);
          assert.equal(await scalar(f.conn, `select to_regclass('knex_migrations') is null`), true);
        }
      }

      // Rerun: the rollback is not done twice (nothing left to roll back), nor does the rollout go on.
      const again = await ballast(...args());
      assert.equal(again.code, 1, again.stderr);
      assert.match(again.stdout, /halted at wave 2/);
      assert.equal(await fingerprint(fleet[5]!.conn), before[5]);
      const plain = await ballast(...args().filter((a) => a !== '--auto-rollback'));
      assert.equal(plain.code, 1);
      assert.match(plain.stderr, /rollout acceptance is halted at wave 2[\s\S]*--retry/);
      assert.deepEqual(await statuses(), ['1:applied:5', '2:rolled-back:5', '3:pending:5', '4:pending:5']);
    });

    test('retried, killed with SIGKILL mid-wave, rerun: every database migrated exactly once', async () => {
      await fleet[7]!.conn.query('update app_health set errors = 0');
      const child = spawnTs(bin, args('--retry'), { ROLLOUT_FIXTURE_SLEEP: '3' });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const exited = new Promise((resolve) => child.on('close', resolve));
      // Mid-wave 3: some of its databases done, one being migrated.
      await waitFor(
        'wave 3 under way',
        async () => {
          const [row] = await controlConn.query<{ applied: string; applying: string }>(
            `select count(*) filter (where status = 'applied') as applied,
                    count(*) filter (where status = 'applying' and wave = 3) as applying
               from ballast_rollout_targets where rollout_id = 'acceptance'`,
          );
          return Number(row!.applied) >= 11 && Number(row!.applying) > 0 ? true : undefined;
        },
        240_000,
      );
      child.kill('SIGKILL');
      await exited;
      const killedAt = await statuses();
      assert.ok(
        killedAt.some((s) => /^3:applying:/.test(s)),
        `killed mid-wave 3: ${killedAt} ${stderr}`,
      );

      const rerun = await ballast(...args());
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.match(rerun.stdout, /rollout acceptance: done, 20 of 20 databases migrated/);
      assert.deepEqual(await statuses(), ['1:applied:5', '2:applied:5', '3:applied:5', '4:applied:5']);
      for (const [i, f] of fleet.entries()) {
        assert.equal(
          await scalar(f.conn, 'select ups from rollout_marker'),
          1,
          `db ${i}: up ran exactly once`,
        );
        assert.equal(
          await scalar(
            f.conn,
            "select count(distinct name)::int || '/' || count(*)::int from knex_migrations",
          ),
          '2/2',
          `db ${i}: each migration recorded once`,
        );
        assert.equal(
          await scalar(
            f.conn,
            `select count(*)::int from information_schema.columns where table_name = 'accounts' and column_name = 'legacy'`,
          ),
          0,
        );
      }
      const retried = await controlConn.query<{ attempts: number }>(
        `select attempts from ballast_rollout_targets where rollout_id = 'acceptance' and wave = 3 and attempts > 1`,
      );
      assert.ok(retried.length > 0, 'the database being migrated at the kill was claimed again');

      const status = await ballast('rollout', 'status', 'acceptance', '--control-url', control.url, '--json');
      assert.equal(status.code, 0, status.stderr);
      const [state] = JSON.parse(status.stdout);
      assert.equal(state.status, 'done');
      assert.equal(state.gatesPassed, 3);
      assert.equal(state.targets.length, 20);
    });
  });
