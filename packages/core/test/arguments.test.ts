import assert from 'node:assert/strict';
import {
  contract,
  dropColumnWithBackup,
  dropTableWithBackup,
  InvalidArgumentError,
  listBackups,
  planAddColumn,
  planAddForeignKey,
  planBackfill,
  planCreateIndex,
  planDropTable,
  planSetNotNull,
  purgeBackups,
  renameColumn,
  restoreBackup,
  runBackfill,
  runPlan,
  serverInfoFor,
} from '@ballast/core';
import { pgServers, type SqlConnection } from '@ballast/testkit';
import { test } from 'vitest';
import { testDatabase } from './fixtures/checksum.js';

const pg15 = serverInfoFor(150004);

const refused = (argument: string, suggestion?: string) => (error: unknown) => {
  assert.ok(error instanceof InvalidArgumentError, String(error));
  assert.equal(error.argument, argument, error.message);
  assert.equal(error.suggestion, suggestion, error.message);
  return true;
};

/** JavaScript callers: no compile-time check stands between them and the planner. */
const js = <F>(f: F) => f as (...args: unknown[]) => unknown;

test('planners refuse unknown keys and wrong types, naming the argument and the likely key', () => {
  const cases: [() => unknown, string, string?][] = [
    [
      () => js(planAddColumn)({ table: 't', column: 'c', type: 'int', defualt: { value: 0 } }, pg15),
      'planAddColumn input.defualt',
      'default',
    ],
    [
      () =>
        js(planAddColumn)(
          { table: 't', column: 'c', type: 'int', default: { sql: 'now()', value: 1 } },
          pg15,
        ),
      'planAddColumn input.default',
    ],
    [() => js(planCreateIndex)({ table: 't', columns: 'c' }, pg15), 'planCreateIndex input.columns'],
    [
      () => js(planCreateIndex)({ table: 't', columns: ['c'], unqiue: true }, pg15),
      'planCreateIndex input.unqiue',
      'unique',
    ],
    [
      () =>
        js(planAddForeignKey)(
          { table: 't', columns: ['p'], references: { table: 'p', columns: ['id'] }, onDelete: 'cascde' },
          pg15,
        ),
      'planAddForeignKey input.onDelete',
      'cascade',
    ],
    [
      () => js(planBackfill)({ table: 't', set: { c: '1' }, were: 'c is null' }, pg15),
      'planBackfill input.were',
      'where',
    ],
    [() => js(planBackfill)({ table: 't', set: { c: 1 } }, pg15), 'planBackfill input.set.c'],
    [() => js(planSetNotNull)({ table: '', column: 'c' }, pg15), 'planSetNotNull input.table'],
    [() => js(planDropTable)(null, pg15), 'planDropTable input'],
  ];
  for (const [call, argument, suggestion] of cases)
    assert.throws(call, refused(argument, suggestion), argument);
  // Case and spacing of referential actions stay free.
  const plan = planAddForeignKey(
    { table: 't', columns: ['p'], references: { table: 'p', columns: ['id'] }, onDelete: 'SET  NULL' },
    pg15,
  );
  assert.match(JSON.stringify(plan.steps), /ON DELETE SET NULL/);
});

async function state(conn: SqlConnection) {
  const [row] = await conn.query<{ digest: string; own: string[]; columns: string[] }>(
    `select (select md5(string_agg(i::text, ',' order by id)) from items i) as digest,
            (select coalesce(array_agg(relname::text order by relname), '{}') from pg_class where relname like 'ballast%') as own,
            (select array_agg(attname::text order by attnum) from pg_attribute where attrelid = 'items'::regclass and attnum > 0 and not attisdropped) as columns`,
  );
  return row;
}

for (const server of pgServers())
  test(`[pg ${server.label}] runners, backfill, expand/contract and backups check their arguments before any SQL`, async () => {
    const { db, conn, close } = await testDatabase(server);
    try {
      await conn.query('create table items (id bigserial primary key, name text, note text)');
      await conn.query(`insert into items (name) select 'item ' || g from generate_series(1, 50) g`);
      const before = await state(conn);
      const plan = planSetNotNull({ table: 'items', column: 'name' }, pg15);
      const cases: [() => unknown, string, string?][] = [
        [
          () => js(runPlan)(db, plan, { lockTimeoutMS: 100 }),
          'runPlan options.lockTimeoutMS',
          'lockTimeoutMs',
        ],
        [() => js(runPlan)(db, plan, { retry: { maxAttempts: 0 } }), 'runPlan options.retry.maxAttempts'],
        [() => js(runPlan)(db, plan, { lock: { nmae: 'x' } }), 'runPlan options.lock.nmae', 'name'],
        [() => js(runPlan)(null, plan), 'runPlan db'],
        [
          () => js(runBackfill)(db, { table: 'items', set: { note: "'x'" }, were: 'id < 0' }),
          'runBackfill spec.were',
          'where',
        ],
        [
          () => js(runBackfill)(db, { table: 'items', set: { note: "'x'" } }, { initalBatchSize: 10 }),
          'runBackfill options.initalBatchSize',
          'initialBatchSize',
        ],
        [
          () => js(runBackfill)(db, { table: 'items', set: { note: "'x'" } }, { pauseMs: Number.NaN }),
          'runBackfill options.pauseMs',
        ],
        [
          () => js(renameColumn)(db, { table: 'items', from: 'name', to: 'title', shema: 'public' }),
          'renameColumn input.shema',
          'schema',
        ],
        [
          () => js(contract)(db, { table: 'items', column: 'name' }, { retentiondays: 1 }),
          'contract options.retentiondays',
          'retentionDays',
        ],
        [
          () =>
            js(dropColumnWithBackup)(
              db,
              { table: 'items', column: 'note', confirmUnused: true },
              { retentiondays: 1 },
            ),
          'dropColumnWithBackup options.retentiondays',
          'retentionDays',
        ],
        [
          () => js(dropTableWithBackup)(db, { table: 'items', confirmUnused: true, schma: 'public' }),
          'dropTableWithBackup ref.schma',
          'schema',
        ],
        [() => js(restoreBackup)(db, 'items'), 'restoreBackup which'],
        [() => js(listBackups)(db, { tabel: 'items' }), 'listBackups filter.tabel', 'table'],
        [
          () => js(purgeBackups)(db, { expiredonly: false }),
          'purgeBackups options.expiredonly',
          'expiredOnly',
        ],
      ];
      for (const [call, argument, suggestion] of cases) {
        await assert.rejects(async () => call(), refused(argument, suggestion), argument);
      }
      assert.deepEqual(await state(conn), before, 'same rows, same columns, no Ballast tables');
    } finally {
      await close();
    }
  });
