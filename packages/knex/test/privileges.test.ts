/**
 * Least privilege: the migrations run as a role that owns its tables and has no CREATE on the
 * database. Without the admin's setup, every helper fails before any change, naming the missing
 * privilege and the GRANT; after `setupSql({ role })` (and CREATE on the table's schema where a
 * helper creates objects there), every helper works and Ballast's tables stay the admin's.
 * What docs/privileges.md says each helper needs is checked here.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PrivilegeError, setupSql } from '@ballast/core';
import { quoteIdent } from '@ballast/core/adapter';
import { pgServers, pgTestDatabase, type SqlConnection } from '@ballast/testkit';
import knexFactory from 'knex';
import { afterEach, test } from 'vitest';
import { ballast } from '../src/index.js';
import { describeTable, tableExists } from './support/catalog.js';

const q = (name: string) => quoteIdent('postgres', name);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Ballast's objects in the database and their owners. */
async function ballastObjects(conn: SqlConnection): Promise<Record<string, string>> {
  const rows = await conn.query<{ name: string; owner: string }>(
    `select c.relname as name, pg_get_userbyid(c.relowner) as owner from pg_class c
      where c.relname like 'ballast\\_%' and c.relkind in ('r', 'i')
     union all select nspname, pg_get_userbyid(nspowner) from pg_namespace where nspname like 'ballast\\_%'
     order by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.owner]));
}

async function rejectsWithPrivilege(call: Promise<unknown>, privilege: string, grant: string): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof PrivilegeError, `a PrivilegeError, got ${String(error)}`);
    assert.ok(
      error.missing.some((m) => m.privilege === privilege && m.grant === grant),
      `names ${privilege} / ${grant}: ${JSON.stringify(error.missing)}`,
    );
    assert.match(error.message, /Nothing was changed/);
    assert.ok(error.message.includes(grant), 'the message carries the GRANT');
    return true;
  });
}

for (const server of pgServers())
  test(`[pg ${server.label}] a table owner without CREATE on the database: refused before any change, then every helper after setupSql`, async () => {
    const db = await pgTestDatabase('privileges', server);
    const admin = await db.connect();
    const role = `ballast_app_${randomBytes(4).toString('hex')}`;
    const url = new URL(db.url);
    url.username = role;
    const knex = knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 4 } });
    cleanups.push(async () => {
      await knex.destroy();
      await admin.close();
      await db.drop();
      const server0 = await pgTestDatabase('privileges_cleanup', server);
      const conn = await server0.connect();
      await conn.query(`drop role if exists ${q(role)}`);
      await conn.close();
      await server0.drop();
    });
    await admin.query(`create role ${q(role)} login`);
    // PostgreSQL 15's defaults, stated: no CREATE on the public schema nor on the database.
    await admin.query('revoke create on schema public from public');
    await admin.query(
      `create table accounts (id bigserial primary key, email text not null, note text default 'n', legacy text)`,
    );
    await admin.query(
      `insert into accounts (email, note, legacy) select 'u' || g || '@x', 'note ' || g, 'l' || g from generate_series(1, 300) g`,
    );
    await admin.query('create table archive (id int primary key)');
    await admin.query('create table admin_plans (id bigint primary key)');
    await admin.query(
      "create table admin_notes (id int primary key, body text, size int); insert into admin_notes values (1, 'abc', null)",
    );
    for (const table of ['accounts', 'archive'])
      await admin.query(`alter table ${table} owner to ${q(role)}`);
    const [dbCreate] = await admin.query<{ ok: boolean }>(
      `select has_database_privilege($1, current_database(), 'CREATE') as ok`,
      [role],
    );
    assert.equal(dbCreate!.ok, false);
    const b = ballast(knex, {
      progress: false,
      log: () => {},
      migration: '20260101000000_privileges.ts',
      direction: 'up',
    });
    const before = await describeTable(admin, 'accounts');

    // 1. No setup: refused before any change, with the GRANT (or the setup) to run.
    const createOnPublic = `GRANT CREATE ON SCHEMA "public" TO ${q(role)}`;
    await rejectsWithPrivilege(
      b.safeAddColumn('accounts', 'plan', { type: 'text', default: 'free' }),
      'CREATE on schema public',
      createOnPublic,
    );
    await rejectsWithPrivilege(
      b.dropColumn('accounts', 'legacy', { confirmUnused: true }),
      `CREATE on database ${db.name}`,
      `CREATE SCHEMA "ballast_backup"; GRANT USAGE, CREATE ON SCHEMA "ballast_backup" TO ${q(role)}`,
    );
    await rejectsWithPrivilege(
      b.renameColumn('accounts', 'email', 'email_address'),
      'CREATE on schema public',
      createOnPublic,
    );
    assert.deepEqual(await describeTable(admin, 'accounts'), before, 'nothing changed');
    assert.deepEqual(await ballastObjects(admin), {}, 'nothing created');

    // 2. The admin's setup: Ballast's objects exist, owned by the admin; the role only uses them.
    await admin.query(await setupSql({ role }));
    const owned = await ballastObjects(admin);
    assert.ok(Object.keys(owned).length >= 7, JSON.stringify(owned));
    // Helpers that change only the role's own table need nothing more than its ownership.
    await b.safeAddColumn('accounts', 'plan', { type: 'text', default: 'free', notNull: true });
    await b.safeAddColumn('accounts', 'score', { type: 'integer' });
    await b.backfill('accounts', { score: 'length(email)' });
    // A big table runs as key ranges: concurrent streams, each with its own guard (which cancels
    // only this role's own batches) and checkpoint rows in the admin's table.
    await admin.query(
      `create table big_fill (id int primary key, n int); insert into big_fill select g from generate_series(1, 120000) g;
       analyze big_fill; alter table big_fill owner to ${q(role)}`,
    );
    await b.backfill('big_fill', { n: 'id % 7' });
    assert.deepEqual(
      await admin.query(
        `select paging, rows_done::int as rows, (select count(*)::int from big_fill where n is distinct from id % 7) as wrong
           from ballast_backfill_checkpoints where target = 'public.big_fill' and job !~ '#[0-9]+$'`,
      ),
      [{ paging: 'key-ranges', rows: 120_000, wrong: 0 }],
    );
    await b.setNotNull('accounts', 'score');
    await b.addCheck('accounts', 'accounts_score_positive', 'score > 0');
    await b.dropColumn('accounts', 'legacy', { confirmUnused: true });
    await b.reverse.dropColumn('accounts', 'legacy', { confirmUnused: true });
    await b.dropTable('archive', { confirmUnused: true });
    // What it lacks for the others is named before any change, with the statement to run.
    const unchanged = await describeTable(admin, 'accounts');
    const createHere = [
      'CREATE on schema public (indexes and trigger functions are created there)',
      `GRANT CREATE ON SCHEMA public TO ${q(role)}`,
    ] as const;
    await rejectsWithPrivilege(b.addIndexConcurrently('accounts', ['email']), ...createHere);
    await rejectsWithPrivilege(b.renameColumn('accounts', 'email', 'email_address'), ...createHere);
    const [me] = await admin.query<{ name: string }>('select current_user as name');
    await rejectsWithPrivilege(
      b.safeAddColumn('admin_plans', 'label', 'text'),
      `ownership of admin_plans (owned by ${me!.name}; ALTER and DROP need it)`,
      `ALTER TABLE admin_plans OWNER TO ${q(role)}`,
    );
    assert.deepEqual(await describeTable(admin, 'accounts'), unchanged, 'nothing changed');
    // A backfill writes rows only: SELECT and UPDATE on someone else's table are enough.
    const fill = () => b.backfill('admin_notes', { size: 'length(body)' });
    await rejectsWithPrivilege(
      fill(),
      'SELECT and UPDATE on admin_notes (the backfill writes its rows)',
      `GRANT SELECT, UPDATE ON admin_notes TO ${q(role)}`,
    );
    await admin.query(`grant select, update on admin_notes to ${q(role)}`);
    await fill();
    assert.deepEqual(await admin.query('select size from admin_notes'), [{ size: 3 }]);

    // 3. Creating in the table's schema (indexes, expand's trigger function, a table moved back)
    // needs CREATE on it; with that, the rest works too.
    await admin.query(`grant create on schema public to ${q(role)}`);
    await b.reverse.dropTable('archive', { confirmUnused: true });
    await b.addIndexConcurrently('accounts', ['email']);
    await b.addUnique('accounts', ['email']);
    await b.renameColumn('accounts', 'email', 'email_address');
    await b.contract('accounts', 'email');
    await b.safeAddColumn('accounts', 'plan_id', { type: 'bigint' });
    await rejectsWithPrivilege(
      b.addForeignKey('accounts', ['plan_id'], { table: 'admin_plans', columns: ['id'] }),
      'REFERENCES on admin_plans (a foreign key points at it)',
      `GRANT REFERENCES ON admin_plans TO ${q(role)}`,
    );
    await admin.query(`grant references on admin_plans to ${q(role)}`);
    await b.addForeignKey('accounts', ['plan_id'], { table: 'admin_plans', columns: ['id'] });

    const after = await describeTable(admin, 'accounts');
    assert.equal(after.columns.plan?.default, "'free'::text");
    assert.equal(after.columns.score?.notNull, true);
    assert.equal(after.columns.email, undefined);
    assert.ok(after.columns.email_address);
    assert.equal(after.columns.legacy?.type, 'text', 'restored from its backup');
    const [legacy] = await admin.query<{ n: string }>(
      `select count(*) as n from accounts where legacy is distinct from 'l' || id`,
    );
    assert.equal(legacy!.n, '0');
    assert.equal(await tableExists(admin, 'archive'), true);
    assert.deepEqual(
      Object.fromEntries(Object.entries(await ballastObjects(admin)).filter(([name]) => name in owned)),
      owned,
      "Ballast's objects are still the admin's",
    );
  });
