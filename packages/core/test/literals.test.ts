/**
 * quoteLiteral on PostgreSQL: every hostile value reads back byte-exact whatever
 * standard_conforming_strings says, so a rendered default means one thing in every session.
 */
import assert from 'node:assert/strict';
import { quoteLiteral } from '@ballast/core/adapter';
import { connect, HOSTILE_VALUES, pgServers } from '@ballast/testkit';
import { test } from 'vitest';

for (const server of pgServers())
  for (const scs of ['on', 'off'] as const)
    test(`[pg ${server.label}] standard_conforming_strings=${scs}: quoteLiteral reads back byte-exact`, async () => {
      const conn = await connect(server.url);
      try {
        await conn.query(`set standard_conforming_strings = ${scs}`);
        for (const value of HOSTILE_VALUES) {
          // Simple query protocol (no parameters): the text is parsed as the server parses DDL.
          const [row] = await conn.query<{ v: string }>(
            `select ${quoteLiteral('postgres', value)}::text as v`,
          );
          assert.equal(row!.v, value, quoteLiteral('postgres', value));
        }
      } finally {
        await conn.close();
      }
    });

test('quoteLiteral: backslash-free values stay plain literals; NUL is refused', () => {
  assert.equal(quoteLiteral('postgres', "it's"), "'it''s'");
  assert.equal(quoteLiteral('postgres', 'C:\\new'), "E'C:\\\\new'");
  assert.equal(quoteLiteral('mysql', "it's"), "'it''s'");
  assert.equal(quoteLiteral('mysql', 'C:\\n'), "_utf8mb4 X'433A5C6E'");
  assert.throws(() => quoteLiteral('postgres', 'a\0b'), /NUL/);
});
