/**
 * One command: starts a throwaway FerretDB (or uses MONGO_URL), writes v1 people with the v1
 * model, shows the v3 model reading and saving old documents, runs the migration files (v3, then
 * an email index and validator) up, down and up again, and prints the versions stored after each step.
 *
 *   pnpm --filter mongoose-app start          PEOPLE=2000 for more documents
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runMigrations } from '@ballast/mongoose';
import { createRunDir, type RunningServer, startLocalFerretDb } from '@ballast/testkit';
import mongoose from 'mongoose';
import { COLLECTION, personModel } from './models.js';

const log = (line: string) => process.stdout.write(`[mongoose-app] ${line}\n`);
const PEOPLE = Number(process.env.PEOPLE ?? 300);
const dir = fileURLToPath(new URL('./migrations', import.meta.url));

let server: RunningServer | undefined;
let runDir: ReturnType<typeof createRunDir> | undefined;
let url = process.env.MONGO_URL;
if (!url) {
  runDir = createRunDir();
  server = await startLocalFerretDb(runDir);
  url = `${server.url.replace(/\/$/, '')}/mongoose_app`;
  log(`started ${server.version}`);
}
const conn = await mongoose.createConnection(url).asPromise();

async function show(title: string): Promise<void> {
  const byVersion = await conn
    .db!.collection(COLLECTION)
    .aggregate([{ $group: { _id: '$schemaVersion', n: { $sum: 1 } } }, { $sort: { _id: 1 } }])
    .toArray();
  const counts = byVersion.map((g) => `v${g._id ?? 1}: ${g.n}`).join(', ');
  const sample = await conn.db!.collection(COLLECTION).findOne({}, { sort: { _id: 1 } });
  log(`${title}: ${counts}; first stored: ${JSON.stringify(sample)}`);
}

let failed = false;
try {
  await conn.db!.collection(COLLECTION).deleteMany({});
  const V1 = personModel(conn, 1);
  await V1.insertMany(
    Array.from({ length: PEOPLE }, (_, i) => ({ _id: i + 1, name: `Ada${i + 1} Lovelace` })),
  );
  await show('v1 app wrote');

  const V3 = personModel(conn, 3);
  const ada = await V3.findById(1);
  log(`v3 app reads a v1 document, upgraded in memory: ${JSON.stringify(ada?.toObject())}`);
  await ada!.save();
  await show('after the v3 app saved it');

  log(`migrations up: ${(await runMigrations(conn, { dir })).join(', ')}`);
  await show('after up');
  log(`migrations down: ${(await runMigrations(conn, { dir, direction: 'down', steps: 2 })).join(', ')}`);
  await show('after down');
  log(`migrations up again: ${(await runMigrations(conn, { dir })).join(', ')}`);
  await show('after up again');
} catch (error) {
  failed = true;
  console.error(`[mongoose-app] ${(error as Error).message}`);
} finally {
  await conn.close();
  if (server) await server.stop();
  if (runDir) rmSync(runDir.path, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
