/**
 * The lock trace. Every statement Knex and Ballast's runner send goes through the `pg` client's
 * `query` (Knex's own queries and the helpers' pgSession alike), so the trace wraps `query` on each
 * connection the migration's Knex pool opens. Per statement it records the duration, the relation
 * locks the backend holds afterwards that it did not hold before (read from pg_locks by a second
 * connection), when each is released (the first statement after which it is gone), table rewrites
 * (relfilenode changes) and sequential scans (pg_stat_xact_user_tables deltas, read on the
 * migration's own connection because another session sees neither uncommitted catalogs nor pending
 * statistics).
 *
 * A statement sent outside a transaction would release its locks before anyone could look, so it
 * runs inside a BEGIN … COMMIT of the tracer's own (same effect: one statement, committed alone);
 * one that refuses a transaction block (SQLSTATE 25001: CONCURRENTLY, VACUUM) is run again as sent,
 * its locks sampled from the second connection every few milliseconds while it runs.
 */
import { observeSteps } from '@ballast/core';
import type pg from 'pg';
import { connectPg } from './url.js';

/** The step of a Ballast helper's plan that sent a statement, as the planner described it. */
export interface PlannedStep {
  readonly id: string;
  readonly description: string;
  /** The lock the planner says the step takes on its table. */
  readonly lock: string;
}

export interface LockHeld {
  readonly mode: string;
  /** schema.table (or index), or `new relation <oid>` for one created by the open transaction. */
  readonly relation: string;
  /** The relation existed before the migration began (other sessions use it). */
  readonly existing: boolean;
  /** Its pg_class oid: names of relations created by the open transaction are resolved later. */
  readonly oid: string;
  /** From the start of the statement that took it to the end of the one that released it. */
  heldMs: number;
  /** Index (in the trace) of the statement after which it was released. */
  releasedAfter: number;
}

export interface StatementTrace {
  readonly index: number;
  readonly migration: string;
  readonly phase: string;
  readonly sql: string;
  ms: number;
  /** Sent outside a transaction. */
  readonly autocommit: boolean;
  /** Locks sampled (not read after the statement): a short one may be missing. */
  sampled: boolean;
  readonly locks: LockHeld[];
  /** Existing tables whose relfilenode this statement changed (rewritten under its lock). */
  readonly rewrites: string[];
  /** table → sequential scans this statement started. */
  readonly scans: Record<string, number>;
  /** Knex's or Ballast's bookkeeping (knex_migrations*, ballast_*), not the application's schema. */
  readonly bookkeeping: boolean;
  /** Sent by this step of a Ballast helper (undefined: by Knex or the migration itself). */
  readonly step?: PlannedStep;
  error?: string;
}

interface Held {
  readonly lock: LockHeld;
  readonly since: number;
}

interface ConnState {
  readonly held: Map<string, Held>;
  inTx: boolean;
  aborted: boolean;
}

type QueryFn = (...args: unknown[]) => unknown;
type Raw = (sql: string) => Promise<pg.QueryResult>;

/** Statements the trace does not wrap in a transaction (they manage or only configure it). */
const CONTROL =
  /^\s*(begin|start\s+transaction|commit|end|rollback|abort|savepoint|release|set|reset|show)\b/i;
const BOOKKEEPING = /\b(knex_migrations\w*|ballast_\w+)/i;
const SAMPLE_MS = 5;
const NEW = 'new relation ';

const LOCKS = `select l.mode, l.relation::bigint::text as oid,
       coalesce(n.nspname || '.' || c.relname, '${NEW}' || l.relation::bigint::text) as relation,
       coalesce(n.nspname in ('pg_catalog', 'information_schema') or n.nspname like 'pg\\_toast%', false) as system
  from pg_locks l
  left join pg_class c on c.oid = l.relation
  left join pg_namespace n on n.oid = c.relnamespace
 where l.pid = $1 and l.locktype = 'relation' and l.granted`;

const RELATIONS = `select c.oid::bigint::text as oid, n.nspname || '.' || c.relname as name, c.relfilenode::text as node,
       coalesce(s.seq_scan, 0)::bigint::text as seq
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  left join pg_stat_xact_user_tables s on s.relid = c.oid
 where c.relkind in ('r', 'p', 'm') and n.nspname not in ('pg_catalog', 'information_schema')
   and n.nspname not like 'pg\\_%'`;

interface RelationRow {
  oid: string;
  name: string;
  node: string;
  seq: string;
}

export class LockTracer {
  readonly statements: StatementTrace[] = [];
  private migration = '';
  private phase = 'setup';
  /** oids of the relations that existed when the current phase began (committed state). */
  private existing = new Set<string>();
  /** The helper step running now, from core's step observer (runPlan notifies each step). */
  private step: PlannedStep | undefined;

  private constructor(private readonly observer: pg.Client) {
    observeSteps(({ step }) => {
      this.step = step && { id: step.id, description: step.description, lock: step.lock };
    });
  }

  static async open(url: string): Promise<LockTracer> {
    return new LockTracer(await connectPg(url));
  }

  async close(): Promise<void> {
    observeSteps(undefined);
    await this.resolveNames().catch(() => {});
    await this.observer.end();
  }

  /** The statements that follow belong to `migration`'s `phase` (up, down, reapply). */
  async begin(migration: string, phase: string): Promise<void> {
    await this.resolveNames();
    this.migration = migration;
    this.phase = phase;
    this.step = undefined;
    const { rows } = await this.observer.query<{ oid: string }>(
      `select c.oid::bigint::text as oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`,
    );
    this.existing = new Set(rows.map((r) => r.oid));
  }

  /** Names the relations that were new (invisible to the observer) when their lock was read. */
  async resolveNames(): Promise<void> {
    const unnamed = this.statements.flatMap((s) => s.locks.filter((l) => l.relation.startsWith(NEW)));
    if (unnamed.length === 0) return;
    const { rows } = await this.observer.query<{ oid: string; name: string }>(
      `select c.oid::bigint::text as oid, n.nspname || '.' || c.relname as name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = any($1::oid[])`,
      [unnamed.map((l) => l.oid)],
    );
    const names = new Map(rows.map((r) => [r.oid, r.name]));
    for (const l of unnamed) {
      const name = names.get(l.oid);
      if (name) (l as { relation: string }).relation = name;
    }
    // Gone before anyone else could see them (a rewrite's transient heap) or TOAST internals of
    // a relation already listed: locks nobody else can wait for.
    for (const s of this.statements) {
      const keep = s.locks.filter((l) => !l.relation.startsWith(NEW) && !l.relation.startsWith('pg_toast.'));
      s.locks.splice(0, s.locks.length, ...keep);
    }
  }

  /** Wraps `conn.query` (a pg Client from Knex's pool: its afterCreate hook). */
  attach(conn: pg.Client): void {
    const original = conn.query.bind(conn) as QueryFn;
    const raw: Raw = (sql) => original(sql) as Promise<pg.QueryResult>;
    const state: ConnState = { held: new Map(), inTx: false, aborted: false };
    const pid = (conn as unknown as { processID: number }).processID;
    // The server's transaction status after each query (ReadyForQuery: Idle, in Transaction,
    // failed transaction = Error): exact, where pg_stat_activity depends on track_activities.
    (conn as unknown as { connection: NodeJS.EventEmitter }).connection.on(
      'readyForQuery',
      (msg: { status?: string }) => {
        state.inTx = msg.status === 'T' || msg.status === 'E';
        state.aborted = msg.status === 'E';
      },
    );
    (conn as unknown as { query: QueryFn }).query = (...args: unknown[]) => {
      const first = args[0] as { text?: string; submit?: unknown } | string;
      // Streams and other submittables pass through untraced.
      if (typeof first === 'object' && typeof first?.submit === 'function') return original(...args);
      const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as QueryFn) : undefined;
      const sql = typeof first === 'string' ? first : String(first?.text ?? '');
      const result = this.traced(pid, raw, state, sql, () => original(...args) as Promise<unknown>);
      if (!callback) return result;
      result.then(
        (r) => callback(null, r),
        (e) => callback(e),
      );
      return undefined;
    };
  }

  private async traced(
    pid: number,
    raw: Raw,
    state: ConnState,
    sql: string,
    exec: () => Promise<unknown>,
  ): Promise<unknown> {
    if (CONTROL.test(sql)) {
      try {
        return await exec();
      } finally {
        await this.observe(pid, state, undefined);
      }
    }
    const wrap = !state.inTx;
    const stmt: StatementTrace = {
      index: this.statements.length,
      migration: this.migration,
      phase: this.phase,
      sql: sql.trim(),
      ms: 0,
      autocommit: wrap,
      sampled: false,
      locks: [],
      rewrites: [],
      scans: {},
      bookkeeping: BOOKKEEPING.test(sql),
      ...(this.step ? { step: this.step } : {}),
    };
    this.statements.push(stmt);
    if (wrap) await raw('begin');
    const before = state.aborted ? undefined : await relations(raw);
    const t0 = performance.now();
    let result: unknown;
    try {
      result = await exec();
    } catch (err) {
      stmt.ms = performance.now() - t0;
      if (!wrap) {
        stmt.error = (err as Error).message;
        await this.observe(pid, state, stmt);
        throw err;
      }
      await raw('rollback');
      if ((err as { code?: string }).code !== '25001') {
        stmt.error = (err as Error).message;
        throw err;
      }
      return this.sampledRun(pid, stmt, exec);
    }
    stmt.ms = performance.now() - t0;
    if (before) this.compare(stmt, before, await relations(raw));
    await this.observe(pid, state, stmt);
    if (wrap) {
      await raw('commit');
      await this.observe(pid, state, undefined);
    }
    return result;
  }

  /** Rewrites and scans: the migration's connection before vs after the statement. */
  private compare(stmt: StatementTrace, before: RelationRow[], after: RelationRow[]): void {
    const old = new Map(before.map((r) => [r.oid, r]));
    for (const r of after) {
      const was = old.get(r.oid);
      if (!was) continue;
      if (was.node !== r.node && this.existing.has(r.oid)) stmt.rewrites.push(r.name);
      const scans = Number(r.seq) - Number(was.seq);
      if (scans > 0) stmt.scans[r.name] = scans;
    }
  }

  /** Reads the backend's relation locks: new ones belong to `stmt`, vanished ones are released. */
  private async observe(pid: number, state: ConnState, stmt: StatementTrace | undefined): Promise<void> {
    const { rows } = await this.observer.query<{
      mode: string | null;
      oid: string | null;
      relation: string;
      system: boolean;
    }>(LOCKS, [pid]);
    const now = performance.now();
    const seen = new Set<string>();
    for (const r of rows) {
      if (!r.mode || !r.oid || r.system) continue;
      const key = `${r.mode}|${r.oid}`;
      seen.add(key);
      if (state.held.has(key)) continue;
      const lock: LockHeld = {
        mode: r.mode
          .replace(/Lock$/, '')
          .replace(/([a-z])([A-Z])/g, '$1 $2')
          .toUpperCase(),
        relation: r.relation,
        oid: r.oid,
        existing: this.existing.has(r.oid),
        heldMs: 0,
        releasedAfter: -1,
      };
      stmt?.locks.push(lock);
      state.held.set(key, { lock, since: stmt ? now - stmt.ms : now });
    }
    for (const [key, held] of state.held) {
      if (seen.has(key)) continue;
      held.lock.heldMs = now - held.since;
      held.lock.releasedAfter = this.statements.length - 1;
      state.held.delete(key);
    }
  }

  /** A statement that cannot run in a transaction block: its locks are sampled while it runs. */
  private async sampledRun(
    pid: number,
    stmt: StatementTrace,
    exec: () => Promise<unknown>,
  ): Promise<unknown> {
    const seen = new Map<string, LockHeld>();
    let done = false;
    const sample = async () => {
      while (!done) {
        const { rows } = await this.observer.query<{
          mode: string | null;
          oid: string | null;
          relation: string;
          system: boolean;
        }>(LOCKS, [pid]);
        for (const r of rows) {
          if (!r.mode || !r.oid || r.system || seen.has(`${r.mode}|${r.oid}`)) continue;
          seen.set(`${r.mode}|${r.oid}`, {
            mode: r.mode
              .replace(/Lock$/, '')
              .replace(/([a-z])([A-Z])/g, '$1 $2')
              .toUpperCase(),
            relation: r.relation,
            oid: r.oid,
            existing: this.existing.has(r.oid),
            heldMs: 0,
            releasedAfter: stmt.index,
          });
        }
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
      }
    };
    stmt.sampled = true;
    const sampler = sample();
    const t0 = performance.now();
    try {
      return await exec();
    } catch (err) {
      stmt.error = (err as Error).message;
      throw err;
    } finally {
      stmt.ms = performance.now() - t0;
      done = true;
      await sampler.catch(() => {});
      for (const lock of seen.values()) stmt.locks.push({ ...lock, heldMs: stmt.ms });
    }
  }
}

async function relations(raw: Raw): Promise<RelationRow[]> {
  return (await raw(RELATIONS)).rows as RelationRow[];
}
