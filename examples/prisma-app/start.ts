/**
 * One command: a Prisma 7 app's schema history through `ballast-prisma`, on PostgreSQL
 * (DATABASE_URL, else a throwaway local server): init → a required field with a default →
 * `@@index` on a populated table → a renamed field by expand/contract with its data migration.
 * Each step prints the SQL ballast-prisma wrote and `prisma migrate status`; at the end the real
 * `prisma migrate deploy` applies the same folders to a fresh database.
 *
 *   pnpm --filter prisma-app start          SEED_USERS=200000 for a bigger table
 */
import { rmSync } from 'node:fs';
import { createRunDir, findPgBinaries, type RunningServer, startLocalPostgres } from '@ballast/testkit';
import {
  addDataMigration,
  addMigration,
  ballastPrisma,
  describeUsers,
  folders,
  markPhase,
  migrationSql,
  type Project,
  prisma,
  query,
  useSchema,
  workingCopy,
} from './app.js';

const log = (line: string) => process.stdout.write(`\n[prisma-app] ${line}\n`);
const SEED_USERS = Number(process.env.SEED_USERS ?? 20_000);

let server: RunningServer | undefined;
let runDir: ReturnType<typeof createRunDir> | undefined;
let url = process.env.DATABASE_URL;
if (!url) {
  runDir = createRunDir();
  server = await startLocalPostgres(runDir, findPgBinaries());
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void server!.stop().finally(() => process.exit(130)));
  url = server.url;
  log(`started ${server.version}`);
}

async function expectCode(what: Promise<{ code: number }>, code: number, label: string) {
  const r = await what;
  if (r.code !== code) throw new Error(`${label} exited with ${r.code}, expected ${code}`);
}

/** Runs `fn`, then prints the folders it added and checks `prisma migrate status`. */
async function step(p: Project, title: string, fn: () => Promise<void>) {
  log(`step: ${title}`);
  const before = new Set(folders(p));
  await fn();
  for (const f of folders(p).filter((n) => !before.has(n)))
    log(`${f}/migration.sql:\n${migrationSql(p, f).trimEnd() || '(empty)'}`);
  await expectCode(prisma(p, ['migrate', 'status']), 0, 'prisma migrate status');
  log(`after ${title}: ${await describeUsers(url!)}`);
}

const added = (p: Project, before: readonly string[]) => folders(p).filter((n) => !before.includes(n));

let failed = false;
const plainDb = `prisma_app_plain_${process.pid}`;
try {
  const p = workingCopy(url);
  await step(p, 'init', async () => {
    useSchema(p, '1-init');
    await expectCode(ballastPrisma(p, ['migrate', 'dev', '--name', 'init']), 0, 'migrate dev init');
    await query(
      url!,
      `insert into "User" (email, name) select 'user' || g || '@example.org', 'User ' || g from generate_series(1, ${SEED_USERS}) g`,
    );
  });
  await step(p, 'a required field with a default', async () => {
    useSchema(p, '2-plan');
    await expectCode(ballastPrisma(p, ['migrate', 'dev', '--name', 'plan']), 0, 'migrate dev plan');
  });
  await step(p, '@@index on the populated table', async () => {
    useSchema(p, '3-email-index');
    await expectCode(
      ballastPrisma(p, ['migrate', 'dev', '--name', 'email_index']),
      0,
      'migrate dev email_index',
    );
  });
  await step(p, 'rename name → fullName, expand', async () => {
    useSchema(p, '4-full-name');
    const before = folders(p);
    await expectCode(
      ballastPrisma(p, ['migrate', 'dev', '--create-only', '--name', 'full_name']),
      0,
      'migrate dev',
    );
    for (const f of added(p, before)) markPhase(p, f, 'expand');
    await expectCode(ballastPrisma(p, ['migrate', 'deploy']), 0, 'migrate deploy');
  });
  await step(p, 'data migration: copy name into fullName', async () => {
    const before = folders(p);
    await expectCode(
      ballastPrisma(p, ['migrate', 'dev', '--create-only', '--name', 'copy_full_name']),
      0,
      'migrate dev',
    );
    const [folder] = added(p, before);
    addDataMigration(p, folder!, 'copy-full-name');
    log(`${folder}/migration.ts added (data/copy-full-name.ts)`);
    await expectCode(ballastPrisma(p, ['migrate', 'deploy']), 0, 'migrate deploy');
  });
  await step(p, 'rename name → fullName, contract', async () => {
    useSchema(p, '6-drop-name');
    // `migrate dev` asks to confirm dropping a column with data, which a script cannot: the SQL
    // comes from `migrate diff` (what `migrate dev` would write), in a folder of its own.
    const diff = await prisma(
      p,
      ['migrate', 'diff', '--from-config-datasource', '--to-schema', 'prisma/schema.prisma', '--script'],
      false,
    );
    if (diff.code !== 0) throw new Error(`prisma migrate diff exited with ${diff.code}:\n${diff.output}`);
    const folder = addMigration(p, 'drop_name', diff.output.slice(diff.output.indexOf('-- ')));
    markPhase(p, folder, 'contract');
    log('deploying the contract right after its expand is refused (default --contract-after 1h):');
    await expectCode(ballastPrisma(p, ['migrate', 'deploy']), 1, 'migrate deploy');
    log('once every instance of the app uses fullName (here: --contract-after 0s):');
    await expectCode(ballastPrisma(p, ['migrate', 'deploy', '--contract-after', '0s']), 0, 'migrate deploy');
  });

  log(`plain \`prisma migrate deploy\` of the same folders on a fresh database (${plainDb}):`);
  await query(url, `create database ${plainDb}`);
  const plainUrl = Object.assign(new URL(url), { pathname: `/${plainDb}` }).toString();
  const plain = { ...p, env: { ...p.env, DATABASE_URL: plainUrl } };
  await expectCode(prisma(plain, ['migrate', 'deploy']), 0, 'prisma migrate deploy');
  await expectCode(prisma(plain, ['migrate', 'status']), 0, 'prisma migrate status');
  log(`plain deploy: ${await describeUsers(plainUrl)}`);
  rmSync(p.dir, { recursive: true, force: true });
} catch (error) {
  failed = true;
  console.error(`\n[prisma-app] ${(error as Error).message}`);
} finally {
  await query(url, `drop database if exists ${plainDb} with (force)`).catch(() => {});
  if (server) {
    await server.stop();
    rmSync(runDir!.path, { recursive: true, force: true });
    log('PostgreSQL stopped');
  }
}
process.exit(failed ? 1 : 0);
