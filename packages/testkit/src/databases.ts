import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { connect, quoteIdent, type SqlConnection } from './sql-clients.js';

/** A database of its own for one test file, on the server the harness started for the run. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** A new connection to this database (the caller closes it). */
  connect(): Promise<SqlConnection>;
  drop(): Promise<void>;
}

export interface MongoTestDatabase {
  readonly name: string;
  readonly url: string;
  readonly client: MongoClient;
  drop(): Promise<void>;
}

function serverUrl(env: string): string {
  const url = process.env[env];
  if (!url) {
    throw new Error(
      `${env} is not set: run tests through the harness (pnpm test, or pnpm test:only <files>), which starts the servers; or set ${env} yourself`,
    );
  }
  return url;
}

const uniqueName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function sqlTestDatabase(serverUrlValue: string, prefix: string): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  const admin = await connect(serverUrlValue);
  try {
    await admin.query(`create database ${quoteIdent(admin.dialect, name)}`);
  } finally {
    await admin.close();
  }
  const url = withDatabase(serverUrlValue, name);
  return {
    name,
    url,
    connect: () => connect(url),
    drop: async () => {
      const conn = await connect(serverUrlValue);
      try {
        if (conn.dialect === 'postgres') {
          await conn.query(`drop database if exists ${quoteIdent('postgres', name)} with (force)`);
        } else {
          await conn.query(`drop database if exists ${quoteIdent('mysql', name)}`);
        }
      } finally {
        await conn.close();
      }
    },
  };
}

/** A fresh database on the run's PostgreSQL, or on `server` (one of pgServers()). */
export const pgTestDatabase = (prefix = 't', server?: PgServer) =>
  sqlTestDatabase(server?.url ?? serverUrl('BALLAST_PG_URL'), prefix);
export const mysqlTestDatabase = (prefix = 't') => sqlTestDatabase(serverUrl('BALLAST_MYSQL_URL'), prefix);

export interface PgServer {
  /** `default` for the run's main server, else the major, e.g. `18`. */
  readonly label: string;
  readonly url: string;
}

/**
 * The run's PostgreSQL servers: the default one, then each extra major of the version matrix
 * (BALLAST_PG_MATRIX, default 18). Tests that must hold on several versions loop over these.
 */
export function pgServers(): PgServer[] {
  const extra = JSON.parse(process.env.BALLAST_PG_MATRIX_URLS ?? '{}') as Record<string, string>;
  return [
    { label: 'default', url: serverUrl('BALLAST_PG_URL') },
    ...Object.entries(extra).map(([label, url]) => ({ label, url })),
  ];
}

export async function mongoTestDatabase(prefix = 't'): Promise<MongoTestDatabase> {
  const base = serverUrl('BALLAST_MONGO_URL');
  const name = uniqueName(prefix);
  const client = new MongoClient(base, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  return {
    name,
    url: withDatabase(base, name),
    client,
    drop: async () => {
      await client.db(name).dropDatabase();
      await client.close();
    },
  };
}
