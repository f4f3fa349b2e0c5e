/**
 * maskLiterals: values in another session's query text (strings, dollar quotes, numbers, comment
 * bodies) become `?` before they reach a log line or ballast_journal, also in a query cut short
 * by pg_stat_activity, while the statement stays recognisable.
 */
import assert from 'node:assert/strict';
import { LockTimeoutError, planAddColumn, runPlan } from '@ballast/core';
import { maskLiterals } from '@ballast/core/adapter';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { holdLock } from './support/blocker.js';
import { logLines, type PgFixture, pgFixture } from './support/pg.js';

const CASES: readonly (readonly [string, string])[] = [
  [
    "update cards set number = '4111-1111-1111-1111' where user_id = 42",
    'update cards set number = ? where user_id = ?',
  ],
  [
    "select * from users where password = 'x' and name = 'it''s'",
    'select * from users where password = ? and name = ?',
  ],
  ["insert into t values (E'a\\'b', X'1F', U&'d\\0061t', B'0101')", 'insert into t values (E?, X?, U&?, B?)'],
  ['select $$secret$$, $tag$ a $$ b $tag$, $1, $23', 'select ?, ?, $1, $23'],
  ['select 1.5e-3, .5, 0x1F, 1_000, -7 from t1', 'select ?, ?, ?, ?, -? from t1'],
  ['select a$1, t2.c3, "col 42", "it\'s" from s1.t2', 'select a$1, t2.c3, "col 42", "it\'s" from s1.t2'],
  [
    'select 1 -- card 4111\nfrom t /* pw: x /* nested */ still */ where a = 2',
    'select ? --?\nfrom t /*?*/ where a = ?',
  ],
  // Cut by pg_stat_activity inside a literal or a comment: masked to the end.
  ["select * from cards where number = '4111-1111-11", 'select * from cards where number = ?'],
  ['select $q$ 4111-1111', 'select ?'],
  ['select 1 /* 4111', 'select ? /*?'],
  // standard_conforming_strings off would read `\'` as an escaped quote: what either reading calls
  // a value is masked.
  ["select 'a\\' , '4111' , 'b'", 'select ?'],
];

for (const [input, expected] of CASES) {
  test(`masks ${JSON.stringify(input)}`, () => {
    assert.equal(maskLiterals(input), expected);
  });
}

test('never lets a digit of a card number or a quoted value through, whatever follows', () => {
  const secret = "'4111-1111-1111-1111'";
  for (const prefix of [
    'select ',
    "select 'a', ",
    'select $$x$$ || ',
    'select e',
    'select u&',
    "select E'\\\\', ",
  ]) {
    const masked = maskLiterals(`${prefix}${secret}`);
    assert.ok(!/4111/.test(masked), `${prefix} → ${masked}`);
  }
});

describe('on a real server: a blocking session with secrets in its query', () => {
  let fx: PgFixture;
  beforeAll(async () => {
    fx = await pgFixture('mask');
    await fx.sql('create table ms1 (id int primary key, card text, password text)');
  });
  afterAll(() => fx.close());

  test('neither the card number nor the password reaches the log or ballast_journal', async () => {
    const blocker = await holdLock(
      fx.test.url,
      "select * from ms1 where card = '4111-1111-1111-1111' and password = 'x'",
    );
    const { lines, log } = logLines();
    try {
      await assert.rejects(
        runPlan(fx.db, planAddColumn({ table: 'ms1', column: 'c', type: 'int' }, fx.server), {
          migration: 'mask_secrets',
          log,
          lockTimeoutMs: 200,
          retry: { maxAttempts: 2, baseDelayMs: 10 },
        }),
        LockTimeoutError,
      );
    } finally {
      await blocker.release();
    }
    const [journal] = await fx.sql<{ error_message: string }>(
      "select error_message from ballast_journal where migration = 'mask_secrets'",
    );
    const seen = [...lines, journal!.error_message];
    assert.ok(
      seen.some((l) => l.includes(`pid ${blocker.pid} `) && l.includes('where card = ? and password = ?')),
      `the blocker is named with its masked query:\n${seen.join('\n')}`,
    );
    for (const text of seen) {
      assert.ok(!text.includes('4111'), `card number leaked: ${text}`);
      assert.ok(!text.includes("password = 'x'"), `password leaked: ${text}`);
    }
  });
});
