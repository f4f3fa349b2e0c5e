#!/usr/bin/env node
/**
 * Offline stand-in for Prisma's native schema engine (tests only): point
 * PRISMA_SCHEMA_ENGINE_BINARY at this file and the real Prisma CLI drives
 * @prisma/schema-engine-wasm through @prisma/adapter-pg. It speaks the CLI's line-delimited
 * JSON-RPC on stdin/stdout, like the native binary.
 *
 * Faithful to the native engine where Ballast depends on it: a migration script is sent to
 * PostgreSQL as ONE simple query (one implicit transaction), on one connection that also holds
 * Migrate's advisory lock. adapter-pg's own executeScript splits on `;` and autocommits, which
 * no Prisma release does.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';

const ENGINE_VERSION = '0edf323efd1d98336f3f0a68684b56f689b900d3';

function parseArgs(argv) {
  const out = { datamodels: [], datasource: undefined, cli: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--version' || a === '-V') out.version = true;
    else if (a === '--datamodels') out.datamodels.push(argv[++i]);
    else if (a === '--datasource') out.datasource = JSON.parse(argv[++i]);
    else if (a === 'cli') out.cli = argv[++i];
    else if (a.startsWith('--')) i++; // --enabled-preview-features, --extension-types: unused here
  }
  return out;
}

/** host/port/user/database as separate fields: a connection string would win over `database`. */
function pgConfig(url) {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
  };
}

function logLine(level, message, errorCode) {
  const fields = errorCode ? { message, error_code: errorCode } : { message };
  process.stderr.write(`${JSON.stringify({ level, target: 'schema_engine::logger', fields })}\n`);
}

/** `cli can-connect-to-database|create-database`: the CLI drops the first stderr line. */
async function runCli(command, url) {
  process.stderr.write('schema-engine stand-in\n');
  const cfg = pgConfig(url);
  const tryConnect = async (database) => {
    const c = new pg.Client({ ...cfg, database });
    await c.connect();
    return c;
  };
  try {
    const c = await tryConnect(cfg.database);
    await c.end();
    return 0;
  } catch (err) {
    if (command === 'create-database' && err.code === '3D000') {
      const admin = await tryConnect('postgres');
      await admin.query(`CREATE DATABASE "${cfg.database.replaceAll('"', '""')}"`);
      await admin.end();
      return 0;
    }
    const code = err.code === '3D000' ? 'P1003' : 'P1001';
    logLine('ERROR', `${err.message} (database ${cfg.database} at ${cfg.host}:${cfg.port})`, code);
    return 1;
  }
}

/**
 * adapter-pg cannot read `"char"`/`name` columns that introspection selects: read them as text,
 * but report a `"char"` column as Character (6), the type the schema describer reads
 * pg_constraint.contype with (as Text it panics on any CHECK constraint in the database).
 */
function patchAdapter(adapter) {
  const performIO = adapter.performIO.bind(adapter);
  const charColumns = new WeakMap();
  adapter.performIO = async (query) => {
    const result = await performIO(query);
    const chars = [];
    for (const [i, f] of (result.fields ?? []).entries()) {
      if (f.dataTypeID === 18) chars.push(i);
      if (f.dataTypeID === 18 || f.dataTypeID === 19) f.dataTypeID = 25;
    }
    if (chars.length) charColumns.set(query, chars);
    return result;
  };
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const i of charColumns.get(query) ?? []) result.columnTypes[i] = 6;
    return result;
  };
  // Native engine: the whole script in one simple query, so PostgreSQL runs it as one implicit
  // transaction (CREATE INDEX CONCURRENTLY fails there unless it is alone in its file).
  adapter.executeScript = async (script) => {
    try {
      await adapter.client.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

function adapterFactory(url, shadowUrl) {
  const cfg = pgConfig(url);
  // One connection, like the native engine: the advisory lock and the script share a session.
  const main = new PrismaPg({ ...cfg, max: 1 });
  return bindMigrationAwareSqlAdapterFactory({
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => patchAdapter(await main.connect()),
    connectToShadowDb: async () => {
      if (shadowUrl) return patchAdapter(await new PrismaPg({ ...pgConfig(shadowUrl), max: 1 }).connect());
      const admin = new pg.Client(cfg);
      await admin.connect();
      const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
      await admin.query(`CREATE DATABASE "${database}"`);
      const shadow = await new PrismaPg({ ...cfg, database, max: 1 }).connect();
      const dispose = shadow.dispose.bind(shadow);
      // End the pool first, then drop: adapter-pg drops before ending and fails.
      shadow.dispose = async () => {
        await dispose();
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await admin.end();
      };
      return patchAdapter(shadow);
    },
  });
}

/** The WASM glue reports a Rust panic's message here before it throws. */
const panics = { message: undefined };
globalThis.PRISMA_WASM_PANIC_REGISTRY = {
  set_message(message) {
    panics.message = message;
  },
};

async function loadWasm() {
  const dir = fileURLToPath(new URL('.', import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg')));
  const bytes = readFileSync(`${dir}schema_engine_bg.wasm`);
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
}

const METHOD_ALIASES = { getDatabaseVersion: 'version' };

async function serve(args) {
  await loadWasm();
  // No schema (e.g. `migrate diff`): `undefined`, not `[]`, or the WASM engine panics.
  const datamodels = args.datamodels.length
    ? args.datamodels.map((path) => [path, readFileSync(path, 'utf8')])
    : undefined;
  const url = args.datasource?.url;
  const adapter = url ? adapterFactory(url, args.datasource?.shadowDatabaseUrl) : undefined;
  const engine = await bg.SchemaEngine.new(
    { datamodels },
    (log) => process.stderr.write(`${log}\n`),
    adapter,
  );

  let nextId = 1_000_000;
  const pendingPrints = new Map();
  const send = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`);
  /** The CLI writes `print` requests to its stdout (how `migrate diff --script` is shown). */
  const print = (content) =>
    new Promise((resolve) => {
      const id = nextId++;
      pendingPrints.set(id, resolve);
      send({ jsonrpc: '2.0', id, method: 'print', params: { content } });
    });

  // A panic inside an async WASM closure does not reject the request: it surfaces here. Answer the
  // request in flight with it instead of dying silently (the CLI would report nothing useful).
  let inFlight;
  process.on('uncaughtException', (error) => {
    const message = `the schema engine panicked: ${panics.message ?? error.message}`;
    if (inFlight === undefined) throw error;
    const reply = { jsonrpc: '2.0', id: inFlight, error: { code: 4466, message, data: { message } } };
    process.stdout.write(`${JSON.stringify(reply)}\n`, () => process.exit(101));
  });

  let queue = Promise.resolve();
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    const msg = JSON.parse(line);
    if (msg.method === undefined && pendingPrints.has(msg.id)) {
      pendingPrints.get(msg.id)();
      pendingPrints.delete(msg.id);
      return;
    }
    queue = queue.then(async () => {
      const method = METHOD_ALIASES[msg.method] ?? msg.method;
      inFlight = msg.id;
      try {
        const result = await engine[method](msg.params ?? {});
        if (method === 'diff' && result?.stdout) await print(result.stdout.replace(/\n$/, ''));
        send({ jsonrpc: '2.0', id: msg.id, result: result ?? {} });
      } catch (error) {
        const data = typeof error === 'object' && error !== null ? error : { message: String(error) };
        const message = panics.message
          ? `the schema engine panicked: ${panics.message}`
          : (data.message ?? String(error));
        panics.message = undefined;
        send({
          jsonrpc: '2.0',
          id: msg.id,
          error: { code: 4466, message, data: { message, error_code: data.error_code, meta: data.meta } },
        });
      }
    });
  });
  rl.on('close', () => {
    queue.then(() => process.exit(0));
  });
}

const args = parseArgs(process.argv.slice(2));
if (args.version) {
  process.stdout.write(`schema-engine-cli ${ENGINE_VERSION}\n`);
} else if (args.cli) {
  process.exitCode = await runCli(args.cli, args.datasource.url);
} else {
  await serve(args);
}
