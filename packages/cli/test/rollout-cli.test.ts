/**
 * `ballast rollout` options on real PostgreSQL (3 databases, default waves 1%, 10%, 50%, 100% →
 * one database each): the fleet from --targets-query, a JS module gate and an HTTP probe that
 * halt it, --retry, passwords kept out of output and control tables, and usage errors. The
 * 20-database acceptance (gate fault, auto-rollback, kill -9) is test/e2e/rollout.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgServers, pgTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ballast } from './fixtures/cli.js';

const migrations = fileURLToPath(new URL('./fixtures/rollout-plain', import.meta.url));
const PASSWORD = 'pw-never-shown-42';

/** The URL with a password: the harness's server trusts local connections, so it is accepted and ignored. */
const withPassword = (url: string) => {
  const u = new URL(url);
  u.password = PASSWORD;
  return u.toString();
};

for (const server of pgServers())
  describe(`[pg ${server.label}] ballast rollout options`, () => {
    const fleet: { db: TestDatabase; conn: SqlConnection }[] = [];
    let control: TestDatabase;
    let controlConn: SqlConnection;
    let http: Server;
    let httpStatus = 200;
    let probeUrl = '';
    beforeAll(async () => {
      control = await pgTestDatabase('rollout_opts_ctl', server);
      controlConn = await control.connect();
      await controlConn.query('create table shards (url text not null, active boolean not null)');
      for (let i = 0; i < 3; i++) {
        const db = await pgTestDatabase(`rollout_opts_${i}`, server);
        const conn = await db.connect();
        await conn.query(
          'create table rollout_marker (ups int not null); insert into rollout_marker values (0)',
        );
        await controlConn.query('insert into shards values ($1, true)', [withPassword(db.url)]);
        fleet.push({ db, conn });
      }
      await controlConn.query(`insert into shards values ('postgres://nobody@invalid/retired', false)`);
      http = createServer((_req, res) => {
        res.statusCode = httpStatus;
        res.end();
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      probeUrl = `http://127.0.0.1:${(http.address() as { port: number }).port}/healthz`;
    });
    afterAll(async () => {
      await new Promise((resolve) => http?.close(resolve));
      for (const f of fleet) {
        await f.conn.close();
        await f.db.drop();
      }
      await controlConn?.close();
      await control?.drop();
    });

    const ups = async () =>
      Promise.all(
        fleet.map(
          async (f) => (await f.conn.query<{ ups: number }>('select ups from rollout_marker'))[0]!.ups,
        ),
      );
    const base = (id: string) => [
      'rollout',
      migrations,
      '--control-url',
      control.url,
      '--targets-query',
      'select url from shards where active order by url',
      '--id',
      id,
    ];

    test('a JS module gate halts after wave 1 (no rollback asked: wave 1 stays migrated); a rerun with --auto-rollback rolls it back; --retry continues', async () => {
      const gate = join(tmpdir(), `ballast-gate-${control.name}.mjs`);
      writeFileSync(
        gate,
        `export default ({ wave }) => ({ ok: process.env.GATE_OK === '1', reason: 'p99 ' + wave });\n`,
      );
      const halted = await ballast(...base('module'), '--gate-module', gate);
      assert.equal(halted.code, 1, halted.stderr);
      assert.match(halted.stdout, /halted at wave 1: gate callback ballast-gate-\S+: p99 1/);
      assert.deepEqual((await ups()).sort(), [0, 0, 1]);
      // Looked at, decided against: the same rollout rerun with --auto-rollback rolls its halted wave back.
      const back = await ballast(...base('module'), '--auto-rollback');
      assert.equal(back.code, 1, back.stderr);
      assert.match(back.stdout, /rollout module: halted, 0 of 3 databases migrated/);
      assert.match(back.stdout, /rolled-back/);
      assert.deepEqual(await ups(), [0, 0, 0]);

      process.env.GATE_OK = '1';
      const retried = await ballast(
        ...base('module'),
        ...['--gate-module', gate, '--retry', '--soak', '300ms', '--gate-interval', '100ms'],
      ).finally(() => {
        delete process.env.GATE_OK;
      });
      assert.equal(retried.code, 0, retried.stderr);
      assert.match(retried.stdout, /rollout module: done, 3 of 3 databases migrated, 3 waves/);
      // Observed for the soak: sampled at its start and again at least once before it ends.
      assert.match(retried.stderr, /wave 2: gate sample 2 healthy/);
      assert.deepEqual(await ups(), [1, 1, 1]);
      const again = await ballast(...base('module'));
      assert.equal(again.code, 0);
      assert.deepEqual(await ups(), [1, 1, 1], 'a finished rollout rerun migrates nothing');

      const stored = await controlConn.query<{ t: string }>(
        `select concat_ws(' ', r::text, t::text) as t from ballast_rollouts r join ballast_rollout_targets t on t.rollout_id = r.id`,
      );
      assert.ok(stored.length === 3 && stored.every((r) => !r.t.includes(PASSWORD)), 'no password stored');
      const status = await ballast('rollout', 'status', '--control-url', control.url);
      assert.equal(status.code, 0);
      assert.match(status.stdout, /rollout module: done/);
      for (const out of [halted, back, retried, again, status])
        assert.ok(!`${out.stdout}${out.stderr}`.includes(PASSWORD), 'no password printed');
    });

    test('an HTTP probe answering 503 halts and --auto-rollback runs the down migrations of that wave', async () => {
      for (const f of fleet) await f.conn.query('drop table if exists widgets; delete from knex_migrations');
      await fleet
        .map((f) => f.conn.query('update rollout_marker set ups = 0'))
        .reduce((a, b) => a.then(() => b));
      httpStatus = 503;
      const halted = await ballast(...base('http'), '--gate-http', probeUrl, '--auto-rollback', '--json');
      assert.equal(halted.code, 1, halted.stderr);
      const state = JSON.parse(halted.stdout);
      assert.equal(state.status, 'halted');
      assert.match(state.haltReason, /HTTP probe \S+ answered 503/);
      assert.deepEqual(
        state.targets.map((t: { wave: number; status: string }) => `${t.wave}:${t.status}`),
        ['1:rolled-back', '2:pending', '3:pending'],
      );
      assert.deepEqual(await ups(), [0, 0, 0]);
    });

    test('usage errors exit 2 and name the option', async () => {
      const none = await ballast('rollout', migrations, '--control-url', control.url);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /exactly one of --targets FILE and --targets-query SQL/);
      const noThreshold = await ballast(...base('x'), '--gate-sql', 'select 1');
      assert.equal(noThreshold.code, 2);
      assert.match(noThreshold.stderr, /--gate-sql needs a threshold/);
      const badWaves = await ballast(...base('y'), '--waves', '10%,50%');
      assert.equal(badWaves.code, 1);
      assert.match(badWaves.stderr, /last one covers the fleet of 3/);
      const help = await ballast('rollout', '--help');
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^usage: ballast rollout <knex migrations dir>/);
    });
  });
