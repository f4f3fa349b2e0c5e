/**
 * Every error Ballast throws is a BallastError subclass that callers can catch by class from the
 * package root, with a message that says what failed, where, and what to do next.
 */
import assert from 'node:assert/strict';
import {
  BallastError,
  ColumnNotFoundError,
  InvalidArgumentError,
  runBackfill,
  TableNotFoundError,
} from '@ballast/core';
import { quoteIdent, quoteLiteral } from '@ballast/core/adapter';
import { parseMysqlVersion, parsePgVersion } from '@ballast/core/lint';
import { pgServers } from '@ballast/testkit';
import { test } from 'vitest';
import { pgFixture } from './support/pg.js';

const throwsBallast = async (
  call: () => unknown,
  kind: new (...args: never[]) => BallastError,
  message: RegExp,
) => {
  await assert.rejects(
    async () => call(),
    (e: unknown) => {
      assert.ok(e instanceof kind, `${String(e)} is a ${kind.name}`);
      assert.ok(e instanceof BallastError);
      assert.match(e.message, message);
      return true;
    },
  );
};

test('argument errors of quoting and version parsing are InvalidArgumentError', async () => {
  await throwsBallast(() => quoteIdent('postgres', ''), InvalidArgumentError, /SQL identifier: given ""/);
  await throwsBallast(() => quoteIdent('mysql', 'a\0b'), InvalidArgumentError, /without NUL bytes/);
  await throwsBallast(() => quoteLiteral('postgres', 'a\0b'), InvalidArgumentError, /SQL literal/);
  await throwsBallast(() => parsePgVersion('latest'), InvalidArgumentError, /--pg-version: given "latest"/);
  await throwsBallast(() => parseMysqlVersion('mariadb'), InvalidArgumentError, /--mysql-version/);
});

for (const server of pgServers())
  test(`[pg ${server.label}] a missing table or column, and impossible backfill options, are typed errors`, async () => {
    const fx = await pgFixture('errors', server);
    try {
      await fx.sql('create table items (id int primary key, note text)');
      await fx.sql('insert into items select g from generate_series(1, 10) g');
      await throwsBallast(
        () => runBackfill(fx.db, { table: 'no_such_table', set: { note: "'x'" } }),
        TableNotFoundError,
        /no_such_table does not exist/,
      );
      await throwsBallast(
        () => runBackfill(fx.db, { table: 'items', set: { note: "'x'" } }, { key: ['nope'] }),
        ColumnNotFoundError,
        /column public\.items\.nope does not exist\n {2}→ name one of its columns: id, note/,
      );
      await throwsBallast(
        () => runBackfill(fx.db, { table: 'items', set: {} }),
        InvalidArgumentError,
        /spec\.set \/ options\.transform: given neither; allowed: exactly one/,
      );
      await throwsBallast(
        () =>
          runBackfill(
            fx.db,
            { table: 'items', set: { note: "'x'" } },
            { minBatchSize: 100, maxBatchSize: 10 },
          ),
        InvalidArgumentError,
        /min 100, initial \d+, max 10/,
      );
      const [row] = await fx.sql<{ n: string }>('select count(note)::text as n from items');
      assert.equal(row!.n, '0', 'nothing was written');
    } finally {
      await fx.close();
    }
  });
