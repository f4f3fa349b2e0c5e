/** Planner decisions that need no server: refusals, version differences, volatility, backoff. */
import assert from 'node:assert/strict';
import {
  planAddColumn,
  planCreateIndex,
  planDropColumn,
  planDropTable,
  planSetNotNull,
  serverInfoFor,
  UnsafeOperationError,
  UnsupportedServerError,
} from '@ballast/core';
import { backoffDelayMs, defaultVolatility, pgCapabilities } from '@ballast/core/adapter';
import { describe, test } from 'vitest';

const pg10 = serverInfoFor(100023);
const pg11 = serverInfoFor(110022);
const pg15 = serverInfoFor(150004);
const pg18 = serverInfoFor(180001);

describe('capabilities come from the version only', () => {
  const cases = [
    { v: 100023, instant: false, check: false, nnnv: false, cic: true },
    { v: 110000, instant: true, check: false, nnnv: false, cic: true },
    { v: 120000, instant: true, check: true, nnnv: false, cic: true },
    { v: 140000, instant: true, check: true, nnnv: false, cic: false },
    { v: 140003, instant: true, check: true, nnnv: false, cic: false },
    { v: 140004, instant: true, check: true, nnnv: false, cic: true },
    { v: 180000, instant: true, check: true, nnnv: true, cic: true },
  ];
  for (const c of cases) {
    test(`server_version_num ${c.v}`, () => {
      const caps = pgCapabilities(c.v);
      assert.deepEqual(
        [
          caps.instantAddColumnDefault,
          caps.notNullFromValidCheck,
          caps.notNullNotValid,
          caps.safeConcurrentIndex,
        ],
        [c.instant, c.check, c.nnnv, c.cic],
      );
    });
  }
});

describe('default volatility', () => {
  const cases: [string, boolean][] = [
    ['now()', false],
    ["'draft'", false],
    ['42', false],
    ["lower('X')", false],
    ["'{}'::jsonb", false],
    ['CAST(0 AS numeric(10,2))', false],
    ["'random()'", false],
    ['random()', true],
    ['gen_random_uuid()', true],
    ['clock_timestamp()', true],
    ["nextval('s')", true],
    ['public.my_func()', true],
  ];
  for (const [sql, volatile] of cases) {
    test(`${sql} → ${volatile ? 'volatile' : 'not volatile'}`, () =>
      assert.equal(defaultVolatility(sql).volatile, volatile));
  }
});

describe('add column plans by version and default', () => {
  const ids = (p: { steps: readonly { id: string }[] }) => p.steps.map((s) => s.id.split(':').pop());
  test('non-volatile default on PG >= 11: one step', () => {
    assert.deepEqual(
      ids(planAddColumn({ table: 't', column: 'c', type: 'int', default: { sql: 'now()' } }, pg11)),
      ['add'],
    );
  });
  test('the same default on PG 10: add, set default, backfill', () => {
    assert.deepEqual(
      ids(planAddColumn({ table: 't', column: 'c', type: 'int', default: { value: 1 } }, pg10)),
      ['add', 'set-default', 'backfill'],
    );
  });
  test('explicit volatile: false trusts the caller', () => {
    const plan = planAddColumn(
      { table: 't', column: 'c', type: 'int', default: { sql: 'my_stable()' }, volatile: false },
      pg15,
    );
    assert.equal(plan.steps.length, 1);
  });
  test('volatile NOT NULL on PG 15: CHECK sequence', () => {
    assert.deepEqual(
      ids(
        planAddColumn(
          { table: 't', column: 'c', type: 'uuid', default: { sql: 'gen_random_uuid()' }, notNull: true },
          pg15,
        ),
      ),
      [
        'add',
        'set-default',
        'backfill',
        'add-check-not-valid',
        'validate-check',
        'set-not-null',
        'drop-check',
      ],
    );
  });
  test('PG 18 uses NOT NULL NOT VALID', () => {
    const plan = planSetNotNull({ table: 't', column: 'c' }, pg18);
    assert.deepEqual(ids(plan), ['add-not-null-not-valid', 'validate-not-null']);
    assert.match(
      (plan.steps[0] as { sql: string }).sql,
      /ADD CONSTRAINT "t_c_not_null" NOT NULL "c" NOT VALID/,
    );
  });
  test('PG 11 keeps the validated CHECK as the rule, and the reverse drops it', () => {
    const plan = planSetNotNull({ table: 't', column: 'c' }, pg11);
    assert.deepEqual(ids(plan), ['add-check-not-valid', 'validate-check']);
    assert.match((plan.reverse[0] as { sql: string }).sql, /DROP CONSTRAINT IF EXISTS "t_c_not_null"/);
  });
  test('NOT NULL without a default is refused', () => {
    assert.throws(
      () => planAddColumn({ table: 't', column: 'c', type: 'int', notNull: true }, pg15),
      UnsafeOperationError,
    );
  });
  test('a type with a statement separator is refused', () => {
    assert.throws(
      () => planAddColumn({ table: 't', column: 'c', type: 'int; drop table t' }, pg15),
      UnsafeOperationError,
    );
  });
});

test('CONCURRENTLY is refused on 14.0–14.3 with the reason and the fix', () => {
  assert.throws(
    () => planCreateIndex({ table: 't', columns: ['c'] }, serverInfoFor(140003)),
    (error: unknown) => error instanceof UnsupportedServerError && /fixed in 14\.4/.test(error.message),
  );
  assert.equal(planCreateIndex({ table: 't', columns: ['c'] }, serverInfoFor(140004)).steps.length, 1);
});

test('drops are refused without confirmUnused', () => {
  const unconfirmed = { confirmUnused: false } as unknown as { confirmUnused: true };
  assert.throws(
    () => planDropColumn({ table: 't', column: 'c', ...unconfirmed }, pg15),
    UnsafeOperationError,
  );
  assert.throws(() => planDropTable({ table: 't', ...unconfirmed }, pg15), UnsafeOperationError);
});

test('long names are cut to 63 bytes and stay unique', () => {
  const long = 'a'.repeat(60);
  const a = planCreateIndex({ table: long, columns: ['x'] }, pg15).steps[0]!.id;
  const b = planCreateIndex({ table: long, columns: ['y'] }, pg15).steps[0]!.id;
  assert.notEqual(a, b);
  const name = a.split(':')[1]!;
  assert.ok(Buffer.byteLength(name) <= 63, name);
});

test('backoff: full jitter under a capped exponential', () => {
  const settings = { maxAttempts: 10, baseDelayMs: 200, maxDelayMs: 5000 };
  assert.equal(
    backoffDelayMs(1, settings, () => 0.999999),
    199,
  );
  assert.equal(
    backoffDelayMs(3, settings, () => 0.999999),
    799,
  );
  assert.equal(
    backoffDelayMs(9, settings, () => 0.999999),
    4999,
  );
  assert.equal(
    backoffDelayMs(9, settings, () => 0),
    0,
  );
});
