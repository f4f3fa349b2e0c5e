import {
  type Database,
  type Dialect,
  type MysqlCredentials,
  type Session,
  UnsupportedServerError,
} from '@ballast/core';
import { pgSession } from '@ballast/core/adapter';
import type { Knex } from 'knex';
import { type KnexMysqlConnection, mysqlSession } from './mysql-session.js';

/** The pg connection knex hands out. */
type KnexPgConnection = Parameters<typeof pgSession>[0];

/** A Session over the connection Knex's client of `dialect` hands out. */
const SESSION_OF: Readonly<Record<Dialect, (connection: unknown) => Session>> = {
  postgres: (c) => pgSession(c as KnexPgConnection),
  mysql: (c) => mysqlSession(c as KnexMysqlConnection),
};

/**
 * A core `Database` over a Knex instance or transaction, on PostgreSQL (`pg`) or MySQL/MariaDB
 * (`mysql2`, `mysql`).
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
  const sessionOf = SESSION_OF[dialect];
  const client = knex.client as Knex.Client;
  if (knex.isTransaction) {
    let queue: Promise<unknown> = Promise.resolve();
    return {
      dialect,
      inTransaction: true,
      withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
        // One connection: run the callers one after another, never interleaved.
        const run = queue.then(async () => fn(sessionOf(await client.acquireConnection())));
        queue = run.catch(() => {});
        return run;
      },
    };
  }
  return {
    dialect,
    inTransaction: false,
    async withSession(fn) {
      const connection = await client.acquireConnection();
      const session = sessionOf(connection);
      try {
        return await fn(session);
      } catch (error) {
        // A failed session may sit in an aborted (PostgreSQL) or open (MySQL) transaction: roll
        // it back before the pool hands it out again. (Marking it `__knex__disposed` made Knex
        // log a second, misleading "Connection Error" line on the next acquire.) A connection too
        // broken to roll back was already marked by Knex's own error/end handlers and is
        // destroyed by the pool.
        await session.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        await client.releaseConnection(connection);
      }
    },
  };
}

const DIALECTS: Readonly<Record<string, Dialect>> = {
  postgresql: 'postgres',
  postgres: 'postgres',
  pg: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
};

function knexDialect(knex: Knex): Dialect {
  const name = String((knex.client as { dialect?: string }).dialect ?? knex.client.config?.client);
  const dialect = DIALECTS[name];
  if (dialect) return dialect;
  throw new UnsupportedServerError(`@ballast/knex does not support the Knex client "${name}"`, {
    where: 'knexDatabase',
    hint: 'use a PostgreSQL (client: "pg") or MySQL/MariaDB (client: "mysql2") Knex instance',
  });
}

/**
 * How the Knex instance's MySQL/MariaDB connections connect (for pt-online-schema-change), read
 * from a connection of its pool: the settings the driver resolved, whatever form the Knex config
 * gave them in (object, URL, function).
 */
export async function knexMysqlCredentials(knex: Knex): Promise<MysqlCredentials> {
  const client = knex.client as Knex.Client;
  const connection = (await client.acquireConnection()) as { config?: Record<string, unknown> };
  try {
    const c = connection.config ?? {};
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return {
      host: text(c.host),
      port: typeof c.port === 'number' ? c.port : undefined,
      socketPath: text(c.socketPath),
      user: text(c.user),
      password: text(c.password),
    };
  } finally {
    await client.releaseConnection(connection);
  }
}
