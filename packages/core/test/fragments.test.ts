/**
 * requireFragment: `;` and comments are refused outside quotes only. Each accepted fragment
 * becomes a validated CHECK on a real table whose column names contain `;`, `--`, `/*` and `'`;
 * each refused one says what it found and where.
 */
import assert from 'node:assert/strict';
import { planAddCheck, runPlan, UnsafeOperationError } from '@ballast/core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type PgFixture, pgFixture } from './support/pg.js';

let fx: PgFixture;
beforeAll(async () => {
  fx = await pgFixture('fragments');
  await fx.sql(`create table f (id int primary key, "a;b" int, "x--y" int, "c/*d" text, "it's" int, t text)`);
  await fx.sql(`insert into f values (1, 1, 1, 'c', 1, 'plain'), (2, 2, 2, 'd', 2, 'text')`);
});
afterAll(() => fx.close());

const ACCEPTED: readonly string[] = [
  `"a;b" IS NOT NULL`,
  `"x--y" >= 0`,
  `"c/*d" <> ''`,
  `"a;b" > 0 and "x--y" > 0`,
  // A quote inside a quoted identifier, then a string holding `;`.
  `"it's" > 0 or t = 'a;b'`,
  `t <> 'it''s; -- not a comment /* nor this */'`,
  `t <> E'it\\'s; -- still the string'`,
  `t <> $$a;b -- c$$`,
  `t <> $tag$ ' ; $$ -- $tag$`,
  // `$` inside a word is part of the word, not a dollar quote.
  `t <> 'x$$'`,
  `t !~ '\\d+;'`,
];

const REFUSED: readonly { readonly fragment: string; readonly found: string; readonly at: number }[] = [
  { fragment: 'id > 0; drop table f', found: 'a semicolon', at: 7 },
  { fragment: 'id > 0 -- hidden', found: 'a -- comment', at: 8 },
  { fragment: 'id > 0 /* hidden */', found: 'a /* comment', at: 8 },
  { fragment: `"a;b" > 0; drop table f`, found: 'a semicolon', at: 10 },
  { fragment: `t = 'it''s'; drop table f`, found: 'a semicolon', at: 12 },
  { fragment: `"it's" = 1 --'`, found: 'a -- comment', at: 12 },
  { fragment: "t = 'open", found: 'an unterminated quote', at: 5 },
  { fragment: 'id = 1 or "open', found: 'an unterminated quote', at: 11 },
  { fragment: 't = $$open', found: 'an unterminated quote', at: 5 },
  // Dollar quotes hide single quotes: the `;` between them is SQL.
  { fragment: `t <> $$'$$; drop table f; select $$'$$`, found: 'a semicolon', at: 11 },
  // In E'…' a backslash escapes the quote, so the string ends before the `;`.
  { fragment: `t <> E'\\'';drop table f;select E'\\''`, found: 'a semicolon', at: 11 },
  // With standard_conforming_strings off, 'a\'' ends after the second quote: `;` is then SQL.
  { fragment: `t <> 'a\\'';'`, found: 'a semicolon', at: 11 },
];

describe('accepted: one expression, whatever its quotes contain', () => {
  ACCEPTED.forEach((expression, i) => {
    test(expression, async () => {
      const plan = planAddCheck({ table: 'f', name: `ok ${i}`, expression }, fx.server);
      await runPlan(fx.db, plan);
      const [row] = await fx.sql<{ convalidated: boolean }>(
        "select convalidated from pg_constraint where conrelid = 'f'::regclass and conname = $1",
        [`ok ${i}`],
      );
      assert.equal(row?.convalidated, true);
    });
  });
});

describe('refused: a statement separator, a comment or an open quote outside quotes', () => {
  for (const c of REFUSED) {
    test(c.fragment, () => {
      assert.throws(
        () => planAddCheck({ table: 'f', name: 'refused', expression: c.fragment }, fx.server),
        (error: unknown) => {
          assert.ok(error instanceof UnsafeOperationError);
          const expected = `contains ${c.found} at character ${c.at}, outside quotes`;
          assert.ok(error.message.includes(expected), error.message);
          return true;
        },
      );
    });
  }
  test('the table is intact', async () => {
    assert.deepEqual(await fx.sql('select count(*)::int as n from f'), [{ n: 2 }]);
  });
});
