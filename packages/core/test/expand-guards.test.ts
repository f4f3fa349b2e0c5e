/**
 * Expand never writes into a column it did not make, and contract never follows a record the
 * catalog no longer matches: an existing target column is refused with its data intact (unless it
 * is the same expand's own column from an interrupted run, which resumes), and a table dropped
 * and recreated outside Ballast stops contract before anything changes.
 */
import assert from 'node:assert/strict';
import {
  changeColumnType,
  contract,
  listBackups,
  ObjectConflictError,
  pendingContractions,
  planContract,
  planRenameColumn,
  renameColumn,
  runPlan,
  UnsafeOperationError,
  undoContract,
  undoExpand,
} from '@ballast/core';
import { quoteIdent, readColumnFacts } from '@ballast/core/adapter';
import { pgServers } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type PgFixture, pgFixture } from './support/pg.js';
import { tableShape } from './support/shape.js';

let pg: PgFixture;
const quiet = { log: () => {} };

async function people(table: string): Promise<void> {
  await pg.sql(`create table ${table} (id int primary key, email text not null, contact text)`);
  await pg.sql(`insert into ${table} select g, 'e' || g || '@x', 'c' || g from generate_series(1, 200) g`);
}

const data = (table: string) =>
  pg.sql<{ sum: string }>(`select md5(string_agg(p::text, '|' order by id)) as sum from ${table} p`);

async function refusedWithConflict(run: Promise<unknown>): Promise<ObjectConflictError> {
  const error = await run.then(
    () => assert.fail('should have been refused'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ObjectConflictError, String(error));
  return error;
}

const openExpansions = async (table: string) => (await pendingContractions(pg.db, { table })).length;

for (const server of pgServers()) {
  describe(`expand/contract guards on PostgreSQL (${server.label})`, () => {
    beforeAll(async () => {
      pg = await pgFixture('expandguard', server);
    });
    afterAll(() => pg.close());

    test('renameColumn onto an existing column with data is refused; its data stays', async () => {
      await people('g_rename');
      const [shape, sum] = [await tableShape(pg, 'g_rename'), await data('g_rename')];
      const error = await refusedWithConflict(
        renameColumn(pg.db, { table: 'g_rename', from: 'email', to: 'contact' }, quiet),
      );
      assert.match(error.message, /g_rename\.contact already exists and holds data/);
      assert.match(error.existing, /^column public\.g_rename\.contact text, with values/);
      assert.deepEqual(await tableShape(pg, 'g_rename'), shape);
      assert.deepEqual(await data('g_rename'), sum);
      assert.equal(await openExpansions('g_rename'), 0);
    });

    test('changeColumnType with a conversion that turns NULL into a value is refused before any change', async () => {
      await pg.sql('create table g_nulls (id int primary key, code int)');
      await pg.sql(
        'insert into g_nulls select g, case when g % 3 = 0 then null else g end from generate_series(1, 90) g',
      );
      const [shape, sum] = [await tableShape(pg, 'g_nulls'), await data('g_nulls')];
      const refused = async (options: { using?: string; reverseUsing?: string }, pattern: RegExp) => {
        const error = await changeColumnType(
          pg.db,
          { table: 'g_nulls', column: 'code', newType: 'text', ...options },
          quiet,
        ).then(
          () => assert.fail('should have been refused'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof UnsafeOperationError, String(error));
        assert.match(error.message, pattern);
        assert.deepEqual(await tableShape(pg, 'g_nulls'), shape);
        assert.deepEqual(await data('g_nulls'), sum);
        assert.equal(await openExpansions('g_nulls'), 0);
      };
      await refused({ using: "coalesce(code::text, 'none')" }, /using .* turns a NULL code into a value/);
      await refused(
        { using: 'code::text', reverseUsing: 'coalesce(code_new::int, 0)' },
        /reverseUsing .* turns a NULL code_new into a value/,
      );
      await refused({ using: 'code::nosuchtype' }, /using .* could not be evaluated/);
      // A conversion that keeps NULL goes through, and NULL rows stay NULL on both sides.
      await changeColumnType(
        pg.db,
        { table: 'g_nulls', column: 'code', newType: 'text', using: "'#' || code::text" },
        quiet,
      );
      const [counts] = await pg.sql<{ nulls: string; converted: string }>(
        `select count(*) filter (where code is null and code_new is null)::text as nulls,
                count(*) filter (where code_new = '#' || code::text)::text as converted from g_nulls`,
      );
      assert.deepEqual(counts, { nulls: '30', converted: '60' });
    });

    test('the sync trigger binds the column by name: hostile names and a keyword take the fast form; a column named new and a domain the subquery', async () => {
      const q = (name: string) => quoteIdent('postgres', name);
      const cases = [
        { table: 'g_sync_hostile', column: 'Amount "$1"; drop', fast: true },
        { table: 'g_sync_keyword', column: 'end', fast: true },
        // A PL/pgSQL variable named new would hide NEW inside the trigger: the subquery form.
        { table: 'g_sync_new', column: 'new', fast: false },
        // A domain the application's search_path may not see: the subquery form, which names no type.
        { table: 'g_sync_domain', column: 'cents', fast: false, type: 'g_sync_cents' },
      ];
      await pg.sql('create domain g_sync_cents as int');
      for (const { table, column, fast, type = 'int' } of cases) {
        const newColumn = `${column}_t`;
        const [t, o, n] = [q(table), q(column), q(newColumn)];
        await pg.sql(`create table ${t} (id int primary key, ${o} ${type})`);
        await pg.sql(`insert into ${t} select g, g from generate_series(1, 50) g`);
        await changeColumnType(
          pg.db,
          {
            table,
            column,
            newColumn,
            newType: 'text',
            using: `'#' || ${o}::text`,
            reverseUsing: `substr(${n}, 2)::int`,
          },
          quiet,
        );
        // Both versions of the application write, each through its own column.
        await pg.sql(`update ${t} set ${o} = 1000 where id = 1`);
        await pg.sql(`update ${t} set ${n} = '#2000' where id = 2`);
        await pg.sql(`insert into ${t} (id, ${o}) values (100, 7)`);
        await pg.sql(`insert into ${t} (id, ${n}) values (101, '#8')`);
        const [row] = await pg.sql<{ synced: string; total: string; one: string; two: number }>(
          `select count(*) filter (where ${n} = '#' || ${o}::text)::text as synced, count(*)::text as total,
                  (select ${n} from ${t} where id = 1) as one, (select ${o} from ${t} where id = 2) as two
             from ${t}`,
        );
        assert.deepEqual(row, { synced: '52', total: '52', one: '#1000', two: 2000 }, column);
        const [source] = await pg.sql<{ src: string }>(
          'select p.prosrc as src from pg_trigger tr join pg_proc p on p.oid = tr.tgfoid where tr.tgrelid = to_regclass($1) and not tr.tgisinternal',
          [t],
        );
        // The old column's conversion: a declared variable, or the subquery for `new`.
        assert.equal(source?.src.includes('ballast_row'), !fast, source?.src);
        assert.ok(source?.src.includes('DECLARE'), source?.src);
      }
    });

    test('changeColumnType with newColumn an existing column is refused; its data stays', async () => {
      await pg.sql('create table g_type (id int primary key, amount int, amount_big bigint)');
      await pg.sql('insert into g_type select g, g, g * 1000 from generate_series(1, 100) g');
      const [shape, sum] = [await tableShape(pg, 'g_type'), await data('g_type')];
      await refusedWithConflict(
        changeColumnType(
          pg.db,
          { table: 'g_type', column: 'amount', newType: 'bigint', newColumn: 'amount_big' },
          quiet,
        ),
      );
      assert.deepEqual(await tableShape(pg, 'g_type'), shape);
      assert.deepEqual(await data('g_type'), sum);
    });

    test('the same expand resumes on its own new column after stopping before or after the trigger', async () => {
      await people('g_resume');
      // Stopped right after adding the column: same type, no value yet.
      await pg.sql('alter table g_resume add column mail text');
      await renameColumn(pg.db, { table: 'g_resume', from: 'email', to: 'mail' }, quiet);
      const [copied] = await pg.sql<{ n: string }>(
        'select count(*)::text as n from g_resume where mail = email',
      );
      assert.equal(copied!.n, '200');

      // Stopped after attaching the trigger, with rows written through it since.
      await people('g_resume2');
      const facts = await pg.db.withSession((s) =>
        readColumnFacts(s, { table: 'g_resume2' }, 'email', 'mail', 'test'),
      );
      const plan = planRenameColumn({ table: 'g_resume2', from: 'email', to: 'mail', facts }, pg.server);
      await runPlan(pg.db, { ...plan, steps: plan.steps.slice(0, 3) }, quiet);
      await pg.sql("update g_resume2 set email = 'new@x' where id = 1");
      await renameColumn(pg.db, { table: 'g_resume2', from: 'email', to: 'mail' }, quiet);
      const [same] = await pg.sql<{ n: string }>(
        'select count(*)::text as n from g_resume2 where mail = email',
      );
      assert.equal(same!.n, '200');
      assert.equal(await openExpansions('g_resume2'), 1);
    });

    test('contract after the table was dropped and recreated outside Ballast is refused', async () => {
      await people('g_stale');
      await renameColumn(pg.db, { table: 'g_stale', from: 'email', to: 'mail' }, quiet);
      await pg.sql('drop table g_stale');
      await pg.sql('create table g_stale (id int primary key, email text not null, mail text, contact text)');
      await pg.sql(
        "insert into g_stale select g, 'e' || g || '@x', null, 'c' || g from generate_series(1, 50) g",
      );
      const [shape, sum] = [await tableShape(pg, 'g_stale'), await data('g_stale')];
      const error = await refusedWithConflict(contract(pg.db, { table: 'g_stale', column: 'email' }, quiet));
      assert.match(
        error.message,
        /no longer matches expansion \d+ in ballast_expansions \(sync trigger \S+ is missing\)/,
      );
      assert.deepEqual(await tableShape(pg, 'g_stale'), shape);
      assert.deepEqual(await data('g_stale'), sum);
      assert.equal((await listBackups(pg.db, { table: 'g_stale' })).length, 0, 'no backup was even started');
      assert.equal(await openExpansions('g_stale'), 1);
    });

    test('a second expansion of a column with one pending is refused; the first keeps syncing', async () => {
      await people('g_twice');
      await renameColumn(pg.db, { table: 'g_twice', from: 'email', to: 'mail' }, quiet);
      const shape = await tableShape(pg, 'g_twice');
      const [fn] = await pg.sql<{ src: string }>(
        "select prosrc as src from pg_proc where proname like 'ballast_sync_g_twice%'",
      );
      const error = await refusedWithConflict(
        changeColumnType(pg.db, { table: 'g_twice', column: 'email', newType: 'varchar(200)' }, quiet),
      );
      assert.match(
        error.message,
        /g_twice\.email is already being expanded by rename-column public\.g_twice\.email → mail \(expansion \d+\)/,
      );
      assert.match(error.details.hint ?? '', /pendingContractions\(db, \{ table: 'g_twice' \}\)/);
      // The other end of the pending pair is refused too.
      await refusedWithConflict(
        changeColumnType(pg.db, { table: 'g_twice', column: 'mail', newType: 'varchar(200)' }, quiet),
      );
      assert.deepEqual(await tableShape(pg, 'g_twice'), shape);
      const [after] = await pg.sql<{ src: string }>(
        "select prosrc as src from pg_proc where proname like 'ballast_sync_g_twice%'",
      );
      assert.equal(after!.src, fn!.src, 'the sync function of the pending expansion is untouched');
      await pg.sql("update g_twice set email = 'changed@x' where id = 7");
      const [row] = await pg.sql<{ mail: string }>('select mail from g_twice where id = 7');
      assert.equal(row!.mail, 'changed@x');
      assert.equal(await openExpansions('g_twice'), 1);
      // The same expansion again is still a no-op rerun.
      await renameColumn(pg.db, { table: 'g_twice', from: 'email', to: 'mail' }, quiet);
      assert.equal(await openExpansions('g_twice'), 1);
    });

    test('undoExpand after the table was dropped and recreated outside Ballast is refused', async () => {
      await people('u_stale');
      await renameColumn(pg.db, { table: 'u_stale', from: 'email', to: 'mail' }, quiet);
      await pg.sql('drop table u_stale');
      await pg.sql('create table u_stale (id int primary key, email text, mail text not null, contact text)');
      await pg.sql(
        "insert into u_stale select g, null, 'm' || g || '@x', null from generate_series(1, 50) g",
      );
      const [shape, sum] = [await tableShape(pg, 'u_stale'), await data('u_stale')];
      const error = await refusedWithConflict(undoExpand(pg.db, { table: 'u_stale', column: 'mail' }, quiet));
      assert.match(
        error.message,
        /^undo expand public\.u_stale\.email → mail: the table no longer matches expansion (\d+) in ballast_expansions \(sync trigger \S+ is missing\)/,
      );
      assert.match(
        error.details.hint ?? '',
        /UPDATE ballast_expansions SET status = 'contracted', contracted_at = now\(\) WHERE id = \d+/,
      );
      assert.deepEqual(await tableShape(pg, 'u_stale'), shape);
      assert.deepEqual(await data('u_stale'), sum);
      assert.equal(await openExpansions('u_stale'), 1);
    });

    test('undoExpand after the old column was dropped outside Ballast is refused; the new column stays', async () => {
      await people('u_old');
      await renameColumn(pg.db, { table: 'u_old', from: 'email', to: 'mail' }, quiet);
      await pg.sql('alter table u_old drop column email');
      const [shape, sum] = [await tableShape(pg, 'u_old'), await data('u_old')];
      const error = await refusedWithConflict(undoExpand(pg.db, { table: 'u_old', column: 'email' }, quiet));
      assert.match(error.message, /email does not exist \(dropping mail would lose every value\)/);
      assert.match(error.existing, /email \(missing\), mail text, sync trigger present/);
      assert.deepEqual(await tableShape(pg, 'u_old'), shape);
      assert.deepEqual(await data('u_old'), sum);
    });

    test('undoExpand drops the trigger and function its record names (an older version named them)', async () => {
      await people('u_names');
      await renameColumn(pg.db, { table: 'u_names', from: 'email', to: 'mail' }, quiet);
      const [e] = await pendingContractions(pg.db, { table: 'u_names' });
      // Names as another version would have made them: the record is what undo must follow.
      await pg.sql(`alter trigger "${e!.syncTrigger}" on u_names rename to ballast_sync_legacy_trg`);
      await pg.sql(`alter function "${e!.syncFunction}"() rename to ballast_sync_legacy_fn`);
      await pg.sql(
        "update ballast_expansions set sync_trigger = 'ballast_sync_legacy_trg', sync_function = 'ballast_sync_legacy_fn' where id = $1",
        [e!.id],
      );
      await undoExpand(pg.db, { table: 'u_names', column: 'mail' }, quiet);
      const shape = await tableShape(pg, 'u_names');
      assert.ok(
        !shape.some((l) => l.startsWith('trigger ') || l.startsWith('column mail ')),
        shape.join('\n'),
      );
      const [fn] = await pg.sql<{ n: string }>(
        "select count(*)::text as n from pg_proc where proname = 'ballast_sync_legacy_fn'",
      );
      assert.equal(fn!.n, '0');
      await pg.sql("insert into u_names values (1000, 'new@x', null)");
    });

    test('undoContract after the table was recreated in its old shape is refused before restoring', async () => {
      await people('u_back');
      await renameColumn(pg.db, { table: 'u_back', from: 'email', to: 'mail' }, quiet);
      const { backupId } = await contract(pg.db, { table: 'u_back', column: 'email' }, quiet);
      await pg.sql('drop table u_back');
      await pg.sql('create table u_back (id int primary key, email text not null, contact text)');
      await pg.sql("insert into u_back select g, 'fresh' || g, null from generate_series(1, 30) g");
      const [shape, sum] = [await tableShape(pg, 'u_back'), await data('u_back')];
      const error = await refusedWithConflict(
        undoContract(pg.db, { table: 'u_back', column: 'mail' }, quiet),
      );
      assert.match(
        error.message,
        /^undo contract public\.u_back\.email → mail: the table no longer matches expansion \d+ in ballast_expansions \(mail does not exist\)/,
      );
      assert.match(error.details.hint ?? '', /DELETE FROM ballast_expansions WHERE id = \d+/);
      assert.deepEqual(await tableShape(pg, 'u_back'), shape);
      assert.deepEqual(await data('u_back'), sum);
      const [backup] = await listBackups(pg.db, { table: 'u_back' });
      assert.equal(backup!.id, backupId);
      assert.equal(backup!.status, 'ready', 'the backup was not restored');
    });

    test('undoContract while a later expansion of its new column is pending is refused', async () => {
      await people('u_later');
      await renameColumn(pg.db, { table: 'u_later', from: 'email', to: 'mail' }, quiet);
      await contract(pg.db, { table: 'u_later', column: 'email' }, quiet);
      await renameColumn(pg.db, { table: 'u_later', from: 'mail', to: 'address' }, quiet);
      const [shape, sum] = [await tableShape(pg, 'u_later'), await data('u_later')];
      const error = await refusedWithConflict(
        undoContract(pg.db, { table: 'u_later', column: 'mail' }, quiet),
      );
      assert.match(
        error.message,
        /^undo contract public\.u_later\.email → mail: public\.u_later\.mail is already being expanded by rename-column public\.u_later\.mail → address/,
      );
      assert.deepEqual(await tableShape(pg, 'u_later'), shape);
      assert.deepEqual(await data('u_later'), sum);
      assert.equal((await listBackups(pg.db, { table: 'u_later' }))[0]!.status, 'ready');
    });

    test('contract resumes after stopping right after the old column was dropped', async () => {
      await people('g_contract');
      await renameColumn(pg.db, { table: 'g_contract', from: 'email', to: 'mail' }, quiet);
      const [expansion] = await pendingContractions(pg.db, { table: 'g_contract' });
      const plan = planContract({ expansion: expansion! }, pg.server);
      const dropped = plan.steps.findIndex((s) => s.id.endsWith(':drop'));
      await runPlan(pg.db, { ...plan, steps: plan.steps.slice(0, dropped + 1) }, quiet);
      const [backup] = await listBackups(pg.db, { table: 'g_contract', column: 'email' });
      const result = await contract(pg.db, { table: 'g_contract', column: 'mail' }, quiet);
      assert.equal(result.backupId, backup!.id);
      assert.equal(await openExpansions('g_contract'), 0);
      const shape = await tableShape(pg, 'g_contract');
      assert.ok(!shape.some((l) => l.startsWith('trigger ')), shape.join('\n'));
      assert.ok(!shape.some((l) => l.startsWith('column email ')), shape.join('\n'));
    });
  });
}
