/**
 * The throwaway copy of the target that plan/check apply migrations to. `CREATE DATABASE … TEMPLATE`
 * when nobody else is connected to the target (PostgreSQL refuses it otherwise); else the schema
 * from `pg_dump --schema-only` plus up to `sampleRows` rows per table, the migration bookkeeping
 * tables in full (so "pending" means the same as on the target) and the sequences' positions.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BallastError, quoteIdent, quoteQualified } from '@ballast/core';
import type pg from 'pg';
import { connectPg, databaseOf, libpqEnv, withDatabase } from './url.js';

export interface ThrowawayCopy {
  readonly name: string;
  readonly url: string;
  /** Creates the copy; its name is known (and dropped by drop()) before this starts. */
  create(options: CopyOptions): Promise<'template' | 'schema-dump'>;
  /** Drops the copy if it exists (forced: a stuck migration session cannot keep it alive); once. */
  drop(): Promise<void>;
}

export interface CopyOptions {
  /** Rows copied per table by the schema-dump method. */
  readonly sampleRows: number;
  /** The pg_dump binary (default `pg_dump` on PATH). */
  readonly pgDump: string;
}

/** A copy that could not be made: says which step failed. */
export class CopyError extends BallastError {
  override readonly name = 'CopyError';
}

/** Tables copied whole: what they hold decides which migrations are pending and what Ballast resumes. */
const FULL_COPY = /^(knex_migrations|knex_migrations_lock|ballast_.*)$/;

/** Names the copy and connects to the server's maintenance database; create() makes it. */
export async function openCopy(targetUrl: string): Promise<ThrowawayCopy> {
  const target = databaseOf(targetUrl);
  const name = `ballast_check_${randomBytes(5).toString('hex')}`;
  const url = withDatabase(targetUrl, name);
  const admin = await connectPg(withDatabase(targetUrl, 'postgres'));
  let dropped: Promise<void> | undefined;
  return {
    name,
    url,
    async create(options) {
      if (await tryTemplate(admin, target, name)) return 'template';
      await admin.query(`create database ${quoteIdent('postgres', name)}`);
      await restoreSchema(targetUrl, url, options.pgDump);
      await copyRows(targetUrl, url, options.sampleRows);
      return 'schema-dump';
    },
    drop() {
      dropped ??= admin
        .query(`drop database if exists ${quoteIdent('postgres', name)} with (force)`)
        .then(() => undefined)
        .finally(() => admin.end());
      return dropped;
    },
  };
}

async function tryTemplate(admin: pg.Client, target: string, name: string): Promise<boolean> {
  const { rows } = await admin.query<{ n: number }>(
    'select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [target],
  );
  if (rows[0]!.n > 0) return false;
  try {
    await admin.query(
      `create database ${quoteIdent('postgres', name)} template ${quoteIdent('postgres', target)}`,
    );
    return true;
  } catch (err) {
    // 55006: someone connected in between; the dump works with sessions open.
    if ((err as { code?: string }).code === '55006') return false;
    throw err;
  }
}

async function restoreSchema(targetUrl: string, copyUrl: string, pgDump: string): Promise<void> {
  const dump = await run(pgDump, ['--schema-only', '--no-owner', '--no-privileges'], libpqEnv(targetUrl));
  // psql meta-commands (\restrict since 17.6/16.10/15.14) are not SQL; the rest runs as one script.
  const sql = dump
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .join('\n');
  const client = await connectPg(copyUrl);
  try {
    await client.query(sql);
  } catch (err) {
    throw new CopyError(`restoring the target's schema into the copy failed: ${(err as Error).message}`, {
      where: 'pg_dump --schema-only',
      hint: 'use a pg_dump at least as new as the server (--pg-dump /path/to/pg_dump)',
      cause: err,
    });
  } finally {
    await client.end();
  }
}

function run(command: string, args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) =>
      reject(
        new CopyError(`${command} could not be started: ${e.message}`, {
          where: 'pg_dump --schema-only',
          hint: 'install the PostgreSQL client tools or pass --pg-dump /path/to/pg_dump',
          cause: e,
        }),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const text = Buffer.concat(err).toString('utf8').trim();
      const why = env.PGPASSWORD ? text.split(env.PGPASSWORD).join('***') : text;
      reject(
        new CopyError(`${command} --schema-only exited with ${code}: ${why}`, {
          where: 'pg_dump --schema-only',
          hint: 'pg_dump must be at least as new as the server (--pg-dump /path/to/pg_dump)',
        }),
      );
    });
  });
}

interface TableRow {
  schema: string;
  table: string;
  columns: string[];
}

const TABLES = `select n.nspname as schema, c.relname as "table",
       array_agg(a.attname::text order by a.attnum) as columns
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
 where c.relkind in ('r', 'p') and not c.relispartition
   and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
 group by 1, 2 order by 1, 2`;

/** Rows travel as one JSON parameter per table; foreign keys are not checked when the role may skip them. */
async function copyRows(targetUrl: string, copyUrl: string, sampleRows: number): Promise<void> {
  const source = await connectPg(targetUrl);
  const dest = await connectPg(copyUrl);
  try {
    await dest.query(`set session_replication_role = replica`).catch(() => {});
    for (const t of (await source.query<TableRow>(TABLES)).rows) {
      const rel = quoteQualified('postgres', { schema: t.schema, name: t.table });
      const cols = t.columns.map((c) => quoteIdent('postgres', c)).join(', ');
      const limit = FULL_COPY.test(t.table) ? '' : ` limit ${Math.max(0, Math.floor(sampleRows))}`;
      const { rows } = await source.query<{ data: unknown }>(
        `select coalesce(json_agg(r), '[]') as data from (select ${cols} from ${rel}${limit}) r`,
      );
      await dest
        .query(
          `insert into ${rel} (${cols}) overriding system value select ${cols} from json_populate_recordset(null::${rel}, $1)`,
          [JSON.stringify(rows[0]!.data)],
        )
        // A sample that breaks a constraint of the copy (a foreign key's target not sampled): the
        // table stays empty; estimates then scale from zero rows like a new table.
        .catch(() => {});
    }
    const { rows: seqs } = await source.query<{ schema: string; name: string; last: string | null }>(
      `select schemaname as schema, sequencename as name, last_value::text as last from pg_sequences
        where last_value is not null`,
    );
    for (const s of seqs)
      await dest.query('select setval($1::regclass, $2::bigint)', [
        quoteQualified('postgres', { schema: s.schema, name: s.name }),
        s.last,
      ]);
  } finally {
    await Promise.all([source.end(), dest.end()]);
  }
}
