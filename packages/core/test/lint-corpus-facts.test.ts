/**
 * The lint corpus checked on real servers (bench/lint/server-corpus.ts): each PostgreSQL case is
 * run on the harness's PostgreSQL of its version (15 or 18), in its transaction mode, on a
 * fixture with rows, and what the server did is compared with the facts stored beside the case
 * (bench/lint/server-facts.json; `BALLAST_RECORD_CORPUS_FACTS=1` rewrites them). The verdict must
 * agree with the facts: a rewrite category needs a new relfilenode, a scan category a scan, a lock
 * category a lock of SHARE or stronger, a failure category an error, and a safe case none of
 * these. MySQL/MariaDB cases are linted per version (and must parse).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lintSql, loadPgParser, parseMysqlVersion, readSchema } from '@ballast/core/lint';
import { pgServers, pgTestDatabase, type SqlConnection, type TestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { BALLAST, UNSCORED } from '../../../bench/lint/categories.js';
import { type ServerCase, serverCorpus } from '../../../bench/lint/server-corpus.js';
import { MODES, measure } from './support/lint-facts.js';

const FACTS_FILE = fileURLToPath(new URL('../../../bench/lint/server-facts.json', import.meta.url));
const RECORD = process.env.BALLAST_RECORD_CORPUS_FACTS === '1';

interface Stored {
  readonly rewritten?: readonly string[];
  readonly scanned?: readonly string[];
  readonly strongest?: readonly string[];
  readonly touched?: readonly string[];
  readonly error?: string;
}

const REWRITE = new Set([
  'rewriting-default',
  'rewriting-column',
  'type-change',
  'set-logged',
  'rewriting-alter',
  'vacuum-full',
  'cluster',
  'refresh-matview-not-concurrent',
]);
const SCAN = new Set([
  'check-validation',
  'foreign-key-validation',
  'set-not-null',
  'domain-constraint-validation',
  'validate-in-same-transaction',
]);
const LOCK = new Set([
  'index-not-concurrent',
  'unique-constraint-lock',
  'primary-key-lock',
  'exclusion-constraint',
  'drop-index-not-concurrent',
  'reindex-not-concurrent',
  'detach-partition-not-concurrent',
  'truncate',
  'inheritance-change',
]);
const FAILS = new Set(['required-column', 'concurrent-in-transaction']);

const atLeastShare = (lock: string) => MODES.indexOf(lock.split(':')[1]!) >= MODES.indexOf('ShareLock');

/** Why the stored facts contradict the verdict, or undefined when they agree. */
function disagreement(c: ServerCase, f: Stored): string | undefined {
  const expected = new Set(c.expected);
  if ([...expected].some((e) => FAILS.has(e)))
    return f.error ? undefined : 'expected a failure, the server ran it';
  if (f.error) return `the server refused it: ${f.error}`;
  const rewrite = (f.rewritten ?? []).length > 0;
  const scan = (f.scanned ?? []).length > 0;
  const strong = (f.strongest ?? []).some(atLeastShare);
  if ([...expected].some((e) => REWRITE.has(e)) && !rewrite)
    return 'a rewrite is claimed, nothing was rewritten';
  if ([...expected].some((e) => SCAN.has(e)) && !scan) return 'a scan is claimed, nothing was scanned';
  if ([...expected].some((e) => LOCK.has(e)) && !strong) return 'a blocking lock is claimed, none was held';
  if (expected.size === 0) {
    // Sequences (a few bytes, rewritten by any ALTER SEQUENCE) and materialized views (no writes
    // to block) cannot hurt running code by a rewrite or a write-blocking lock.
    const inert = new Set(
      [...c.pre.matchAll(/create (?:sequence|materialized view) (\w+)/gi)].map((m) => m[1]!),
    );
    const rewrote = (f.rewritten ?? []).filter((t) => !inert.has(t));
    if (rewrote.length) return `called safe, but rewrote ${rewrote.join(', ')}`;
    const scannedUnderLock = (f.scanned ?? [])
      .filter((t) => !inert.has(t))
      .filter((t) =>
        (f.strongest ?? []).some(
          (l) => l.startsWith(`${t}:`) && atLeastShare(l) && !l.endsWith(':AccessExclusiveLock'),
        ),
      );
    if (scannedUnderLock.length)
      return `called safe, but scanned ${scannedUnderLock.join(', ')} under a lock that blocks writes`;
  }
  return undefined;
}

function categories(c: ServerCase): string[] {
  const options = c.mysql
    ? { dialect: 'mysql' as const, mysql: parseMysqlVersion(c.mysql) }
    : { pgVersion: c.pgVersion ?? 15, ...(c.inTransaction ? { transaction: 'wrapped' as const } : {}) };
  // The fixture's tables, as the bench gives them with --schema.
  const knownColumns = c.schema ? readSchema(c.schema, options) : undefined;
  const rules = lintSql(c.sql, { ...options, knownColumns }).findings.map((f) => f.rule);
  return [...new Set(rules.filter((r) => !UNSCORED.has(r)).map((r) => BALLAST[r] ?? `unmapped:${r}`))].sort();
}

const cases = serverCorpus();
const stored: Record<string, Stored> = existsSync(FACTS_FILE)
  ? JSON.parse(readFileSync(FACTS_FILE, 'utf8'))
  : {};
const recorded: Record<string, Stored> = {};

beforeAll(() => loadPgParser());

test('the corpus holds at least 300 cases across PostgreSQL versions, transaction modes and MySQL flavors', () => {
  assert.ok(cases.length >= 300, `${cases.length} cases`);
  assert.ok(new Set(cases.map((c) => c.name)).size === cases.length, 'case names are unique');
});

test('MySQL/MariaDB cases parse and get their verdicts', () => {
  for (const c of cases.filter((x) => x.mysql))
    assert.deepEqual(categories(c), [...c.expected].sort(), c.name);
});

for (const server of pgServers())
  describe(`[pg ${server.label}] corpus verdicts agree with the server`, () => {
    let db: TestDatabase;
    let conn: SqlConnection;
    let major = 0;
    beforeAll(async () => {
      db = await pgTestDatabase('lint_corpus', server);
      conn = await db.connect();
      const [row] = await conn.query<{ v: string }>(`select current_setting('server_version_num') as v`);
      major = Math.floor(Number(row!.v) / 10000);
    });
    afterAll(async () => {
      await conn?.close();
      await db?.drop();
      if (RECORD) {
        const all = { ...stored, ...recorded };
        const sorted = Object.fromEntries(
          Object.keys(all)
            .sort()
            .map((k) => [k, all[k]]),
        );
        writeFileSync(FACTS_FILE, `${JSON.stringify(sorted, null, 2)}\n`);
      }
    });

    test('every case of this version: lint verdict, measured facts, and their agreement', async () => {
      const mine = cases.filter((c) => !c.mysql && c.pgVersion === major);
      if (!mine.length) return;
      const problems: string[] = [];
      for (const [i, c] of mine.entries()) {
        const got = categories(c);
        if (!c.knownMiss && JSON.stringify(got) !== JSON.stringify([...c.expected].sort()))
          problems.push(`${c.name}: lint says [${got}], the corpus [${c.expected}]`);
        const statements = lintSql(c.sql, { pgVersion: major }).parsed.statements.map((s) => s.sql);
        let facts: Stored;
        try {
          const m = await measure(conn, `c${i}`, c.pre, c.autocommit ? statements : c.sql, c.autocommit);
          facts = c.autocommit
            ? { rewritten: m.rewritten }
            : { rewritten: m.rewritten, scanned: m.scanned, strongest: m.strongest, touched: m.touched };
        } catch (err) {
          await conn.query('rollback').catch(() => {});
          facts = { error: (err as Error).message };
        }
        recorded[c.name] = facts;
        if (!RECORD) {
          if (!stored[c.name])
            problems.push(`${c.name}: no stored facts (run with BALLAST_RECORD_CORPUS_FACTS=1)`);
          else if (JSON.stringify(stored[c.name]) !== JSON.stringify(facts))
            problems.push(
              `${c.name}: the server now does ${JSON.stringify(facts)}, stored ${JSON.stringify(stored[c.name])}`,
            );
        }
        const why = disagreement(c, facts);
        if (why) problems.push(`${c.name}: ${why}`);
      }
      assert.deepEqual(problems, []);
    });
  });
