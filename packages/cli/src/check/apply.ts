/**
 * Applies a directory's pending Knex migrations to the throwaway copy through Knex's own migrator
 * (its transactions, its knex_migrations rows: what production will run), every pooled connection
 * traced. With `upDownUp`, each migration is applied, rolled back and applied again, and the
 * schema compared after each phase: a down that does not restore the schema, or a re-apply that
 * builds another one, is a finding.
 */
import { basename } from 'node:path';
import { type SchemaSnapshot, snapshotSchema } from '@ballast/core';
import knexFactory, { type Knex } from 'knex';
import type pg from 'pg';
import { knexMigrationsIn, loadMigration } from '../knex-capture.js';
import type { LockTracer } from './tracer.js';
import { connectPg } from './url.js';

export interface MigrationOutcome {
  readonly name: string;
  /** The SQL its first up() sent through Knex (as `ballast lint --knex` captures it), for the linter. */
  readonly captured: string[];
  /** Knex runs it in a transaction (no `config.transaction = false`). */
  transaction: boolean;
  /** The phase that threw (up, down, reapply) and its message. */
  failed?: { readonly phase: string; readonly message: string };
  /** Schema objects that differ after up → down from before up (empty: restored). */
  downDiff?: string[];
  /** Schema objects that differ between the first apply and the re-apply. */
  reapplyDiff?: string[];
}

/** File names in `dir` that the target's knex_migrations does not list, in Knex's order. */
export async function pendingIn(dir: string, target: pg.Client): Promise<string[]> {
  const { rows } = await target.query<{ ok: boolean }>(
    `select to_regclass('knex_migrations') is not null as ok`,
  );
  const done = rows[0]?.ok
    ? new Set(
        (await target.query<{ name: string }>('select name from knex_migrations')).rows.map((r) => r.name),
      )
    : new Set<string>();
  return knexMigrationsIn(dir)
    .map((f) => basename(f))
    .filter((n) => !done.has(n));
}

export async function applyPending(
  copyUrl: string,
  dir: string,
  pending: readonly string[],
  tracer: LockTracer,
  upDownUp: boolean,
): Promise<MigrationOutcome[]> {
  const files = knexMigrationsIn(dir);
  const outcomes: MigrationOutcome[] = [];
  // Knex's query events inside up(), as the lint capture records them (bindings inlined).
  let sink: string[] | undefined;
  const migrationSource: Knex.MigrationSource<string> = {
    getMigrations: async () => files,
    getMigrationName: (file) => basename(file),
    getMigration: async (file) => {
      const migration = await loadMigration(file);
      const outcome = outcomes.find((o) => o.name === basename(file));
      if (outcome) outcome.transaction = migration.config?.transaction !== false;
      return {
        ...migration,
        up: async (k: Knex) => {
          sink = outcome && outcome.captured.length === 0 && !outcome.downDiff ? outcome.captured : undefined;
          try {
            return await migration.up(k);
          } finally {
            sink = undefined;
          }
        },
      } as Knex.Migration;
    },
  };
  const knex = knexFactory({
    client: 'pg',
    connection: copyUrl,
    pool: {
      min: 0,
      max: 4,
      afterCreate(conn: pg.Client, done: (err: Error | null, conn: pg.Client) => void) {
        tracer.attach(conn);
        done(null, conn);
      },
    },
  });
  knex.on('query', (q: { sql: string; bindings?: readonly unknown[] }) => {
    if (!sink || /^(begin|commit|rollback)\b/i.test(q.sql.trim())) return;
    sink.push(knex.raw(q.sql, (q.bindings ?? []) as Knex.RawBinding[]).toString());
  });
  const config = { migrationSource, disableMigrationsListValidation: true };
  const snapshotClient = await connectPg(copyUrl);
  const snapshot = () =>
    snapshotSchema({
      query: async (sql, params) => (await snapshotClient.query(sql, params as unknown[])).rows,
    });
  try {
    for (const name of pending) {
      const outcome: MigrationOutcome = { name, captured: [], transaction: true };
      outcomes.push(outcome);
      const phase = async (label: string, run: () => Promise<unknown>) => {
        await tracer.begin(name, label);
        try {
          await run();
          return true;
        } catch (err) {
          outcome.failed = { phase: label, message: (err as Error).message };
          return false;
        }
      };
      const before = await snapshot();
      if (!(await phase('up', () => knex.migrate.up(config)))) break;
      if (!upDownUp) continue;
      const applied = await snapshot();
      if (!(await phase('down', () => knex.migrate.down(config)))) break;
      outcome.downDiff = diffSchemas(before, await snapshot());
      if (!(await phase('reapply', () => knex.migrate.up(config)))) break;
      outcome.reapplyDiff = diffSchemas(applied, await snapshot());
    }
  } finally {
    await snapshotClient.end();
    await knex.destroy();
  }
  return outcomes;
}

/** `table.kind.name: before → after` for every object whose definition differs. */
export function diffSchemas(a: SchemaSnapshot, b: SchemaSnapshot): string[] {
  const flat = (s: SchemaSnapshot) => {
    const out = new Map<string, string>();
    for (const [table, t] of Object.entries(s.tables)) {
      out.set(`table ${table}`, 'exists');
      for (const kind of ['columns', 'indexes', 'constraints', 'triggers'] as const)
        for (const [name, def] of Object.entries(t[kind]))
          out.set(`${table}.${kind.replace(/e?s$/, '')} ${name}`, def);
    }
    for (const f of s.functions) out.set(`function ${f}`, 'exists');
    return out;
  };
  const [x, y] = [flat(a), flat(b)];
  const keys = [...new Set([...x.keys(), ...y.keys()])].sort();
  return keys
    .filter((k) => x.get(k) !== y.get(k))
    .map((k) => `${k}: ${x.get(k) ?? 'missing'} → ${y.get(k) ?? 'missing'}`);
}
