/**
 * Mongoose migrator throughput and client impact, one command (`pnpm bench:mongoose`):
 * documents/s of `migrateCollection` vs a plain hand-written `find` + `bulkWrite` loop converting
 * identical collections (same upgrade, same write chunk), and the latency of one application
 * client (findById + updateOne through the model) during each. Starts its own FerretDB unless
 * BENCH_MONGO_URL is set; writes bench/results/mongoose.json and .md.
 * BENCH_DOCS (default 3000) and BENCH_ROUNDS (default 2) size it.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { migrateCollection, versioned } from '@ballast/mongoose';
import {
  createRunDir,
  type LatencyStats,
  latencyStats,
  type RunningServer,
  startLocalFerretDb,
} from '@ballast/testkit';
import mongoose, { type Connection } from 'mongoose';

const DOCS = Number(process.env.BENCH_DOCS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BATCH = 500;
const CHUNK = 50; // the migrator's bulkWrite chunk, used by the hand-written loop too
const results = new URL('../results/', import.meta.url);
const log = (line: string) => process.stderr.write(`[bench:mongoose] ${line}\n`);
// The machine is shared: the load next to the figures says how much they can be trusted.
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');

type Doc = Record<string, unknown>;
const upgrade = ({ name, ...doc }: Doc): Doc => {
  const [first, ...rest] = String(name).split(' ');
  return { ...doc, first, last: rest.join(' '), schemaVersion: 2 };
};

function model(conn: Connection, collection: string) {
  const schema = new mongoose.Schema({ _id: Number, first: String, last: String, hits: Number });
  schema.plugin(versioned, { version: 2, upgrades: { 2: (d) => upgrade(d) } });
  return conn.model(`P_${collection}`, schema, collection);
}

async function seed(conn: Connection, collection: string): Promise<void> {
  const docs = Array.from({ length: DOCS }, (_, i) => ({ _id: i + 1, name: `First${i} Last${i}` }));
  for (let i = 0; i < docs.length; i += 1000)
    await conn.db!.collection(collection).insertMany(docs.slice(i, i + 1000) as never[]);
}

/** What people write today: keyset over _id, convert, bulkWrite, no resume, no CAS. */
async function handWritten(conn: Connection, collection: string): Promise<void> {
  const c = conn.db!.collection<Doc>(collection);
  let last: unknown;
  for (;;) {
    const docs = await c
      .find({ ...(last === undefined ? {} : { _id: { $gt: last as never } }), schemaVersion: { $ne: 2 } })
      .sort({ _id: 1 })
      .limit(BATCH)
      .toArray();
    if (docs.length === 0) return;
    const ops = docs.map((d) => {
      const { _id, ...fields } = upgrade(d);
      return { updateOne: { filter: { _id }, update: { $set: fields, $unset: { name: '' } } } };
    });
    for (let i = 0; i < ops.length; i += CHUNK)
      await c.bulkWrite(ops.slice(i, i + CHUNK) as never, { ordered: false });
    last = docs.at(-1)!._id;
  }
}

/** One application client on the collection until `stop`: findById then updateOne. */
async function client(conn: Connection, collection: string, stop: () => boolean): Promise<LatencyStats> {
  const People = model(conn, collection);
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  while (!stop()) {
    const id = 1 + Math.floor(Math.random() * DOCS);
    const start = performance.now();
    try {
      await People.findById(id);
      await People.updateOne({ _id: id }, { $inc: { hits: 1 } });
      latencies.push(performance.now() - start);
    } catch {
      errors += 1;
    }
  }
  return latencyStats(latencies, errors, performance.now() - t0);
}

async function measure(conn: Connection, collection: string, run: () => Promise<void>) {
  let done = false;
  const traffic = client(conn, collection, () => done);
  const t0 = performance.now();
  await run().finally(() => {
    done = true;
  });
  const seconds = (performance.now() - t0) / 1000;
  return { docsPerSecond: DOCS / seconds, seconds, client: await traffic };
}

let server: RunningServer | undefined;
let url = process.env.BENCH_MONGO_URL;
if (!url) {
  server = await startLocalFerretDb(createRunDir());
  url = `${server.url.replace(/\/$/, '')}/bench_mongoose`;
}
const conn = await mongoose.createConnection(url).asPromise();
const info = await conn.db!.admin().command({ buildInfo: 1 });
const serverName = `MongoDB wire ${info.version}${info.ferretdbVersion ? ` (FerretDB ${info.ferretdbVersion})` : ''}`;
const backend = server?.source ?? 'BENCH_MONGO_URL';
const loadAtStart = load();
log(`${serverName} on ${backend}: ${DOCS} documents, ${ROUNDS} rounds, load ${loadAtStart}`);
try {
  await conn.db!.dropDatabase();
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    await seed(conn, `hand${r}`);
    await seed(conn, `ours${r}`);
    // The machine is shared: alternate which runs first.
    const runHand = () => measure(conn, `hand${r}`, () => handWritten(conn, `hand${r}`));
    const runOurs = () =>
      measure(conn, `ours${r}`, async () => {
        // The hand-written loop's read size: FerretDB decodes the whole collection for each keyset
        // read, so the adaptive size (aiming at 100 ms batches) would shrink to the minimum and
        // read ten times as often (one round here: 24 vs 66 docs/s); MongoDB reads by index.
        await migrateCollection(model(conn, `ours${r}`), {
          initialBatchSize: BATCH,
          minBatchSize: BATCH,
          maxBatchSize: BATCH,
        });
      });
    let hand: Awaited<ReturnType<typeof runHand>>;
    let ours: Awaited<ReturnType<typeof runOurs>>;
    if (r % 2 === 0) {
      hand = await runHand();
      ours = await runOurs();
    } else {
      ours = await runOurs();
      hand = await runHand();
    }
    const converted = await conn.db!.collection(`ours${r}`).countDocuments({ schemaVersion: 2 });
    if (converted !== DOCS) throw new Error(`round ${r}: migrator converted ${converted} of ${DOCS}`);
    log(
      `round ${r}: hand-written ${hand.docsPerSecond.toFixed(0)} docs/s, migrator ${ours.docsPerSecond.toFixed(0)} docs/s`,
    );
    rounds.push({ hand, ours, ratio: ours.docsPerSecond / hand.docsPerSecond });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratio = median(rounds.map((r) => r.ratio));
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const last = rounds.at(-1)!;
  const loadAtEnd = load();
  const md = `# Mongoose migrator benchmark (${serverName}, ${DOCS.toLocaleString('en-US')} documents, ${new Date().toISOString()})

| measure | value | aim |
|---|---|---|
| hand-written find + bulkWrite loop (median of ${ROUNDS}) | ${median(rounds.map((r) => r.hand.docsPerSecond)).toFixed(0)} docs/s | |
| migrateCollection (median of ${ROUNDS}) | ${median(rounds.map((r) => r.ours.docsPerSecond)).toFixed(0)} docs/s | |
| ratio migrator / hand-written (per round ${rounds.map((r) => r.ratio.toFixed(2)).join(', ')}) | ${ratio.toFixed(2)} | >= 0.7 |
| client p50 / p99 / max during hand-written (last round) | ${ms(last.hand.client.p50)} / ${ms(last.hand.client.p99)} / ${ms(last.hand.client.max)} | |
| client p50 / p99 / max during migrator (last round) | ${ms(last.ours.client.p50)} / ${ms(last.ours.client.p99)} / ${ms(last.ours.client.max)} | |
| client errors (all rounds) | ${rounds.reduce((n, r) => n + r.hand.client.errors + r.ours.client.errors, 0)} | 0 |

The migrator additionally checkpoints each batch and writes with a compare-and-set filter; the
hand-written loop does neither (no resume, concurrent writes can be overwritten). Both read
${BATCH} documents per batch (the migrator's adaptive size is pinned, see throughput.ts) and write
in bulkWrites of ${CHUNK}.
Server: ${backend}. Load average (1 / 5 / 15 min) on ${availableParallelism()} cores: ${loadAtStart} at
the start, ${loadAtEnd} at the end.
`;
  writeFileSync(
    new URL('mongoose.json', results),
    `${JSON.stringify({ server: serverName, backend, load: { start: loadAtStart, end: loadAtEnd }, docs: DOCS, rounds }, null, 2)}\n`,
  );
  writeFileSync(new URL('mongoose.md', results), md);
  process.stdout.write(md);
} finally {
  await conn.close();
  if (server) await server.stop();
}
