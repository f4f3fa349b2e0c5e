import { type Database, type Session, UnsupportedServerError } from '@ballast/core';
import { pgSession } from '@ballast/core/adapter';
import type { Knex } from 'knex';

/** The pg connection knex hands out. */
type KnexPgConnection = Parameters<typeof pgSession>[0];

/**
 * A core `Database` over a Knex instance or transaction.
 *
 * - Plain Knex (a migration with `config = { transaction: false }`): every session is a dedicated
 *   connection taken from Knex's own pool, so the pool's settings (search path, afterCreate hooks)
 *   apply and no extra pool is opened. A session that failed is rolled back before it returns to
 *   the pool: it may be inside an aborted transaction.
 * - A Knex transaction (the default for migrations): every session is the transaction's one
 *   connection, handed to one caller at a time, and `inTransaction` tells the runner not to
 *   BEGIN/COMMIT and to refuse steps that cannot run inside a transaction.
 */
export function knexDatabase(knex: Knex): Database {
  const dialect = knexDialect(knex);
  const client = knex.client as Knex.Client;
  if (knex.isTransaction) {
    let queue: Promise<unknown> = Promise.resolve();
    return {
      dialect,
      inTransaction: true,
      withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
        // One connection: run the callers one after another, never interleaved.
        const run = queue.then(async () =>
          fn(pgSession((await client.acquireConnection()) as KnexPgConnection)),
        );
        queue = run.catch(() => {});
        return run;
      },
    };
  }
  return {
    dialect,
    inTransaction: false,
    async withSession(fn) {
      const connection = (await client.acquireConnection()) as KnexPgConnection;
      try {
        return await fn(pgSession(connection));
      } catch (error) {
        // A failed session may sit in an aborted transaction: roll it back before the pool hands
        // it out again. (Marking it `__knex__disposed` made Knex log a second, misleading
        // "Connection Error" line on the next acquire.) A connection too broken to roll back was
        // already marked by Knex's own error/end handlers and is destroyed by the pool.
        await connection.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        await client.releaseConnection(connection);
      }
    },
  };
}

function knexDialect(knex: Knex): 'postgres' {
  const name = String((knex.client as { dialect?: string }).dialect ?? knex.client.config?.client);
  if (name === 'postgresql' || name === 'pg' || name === 'postgres') return 'postgres';
  throw new UnsupportedServerError(`@ballast/knex does not support the Knex client "${name}" yet`, {
    hint: 'use a PostgreSQL Knex instance (client: "pg"); MySQL/MariaDB support follows the core dialect work',
  });
}
