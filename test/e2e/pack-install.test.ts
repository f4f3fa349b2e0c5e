import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { connect, pgServers, pgTestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';

/**
 * The packages as a user gets them: `pnpm pack` of core, knex and cli, installed with npm into a
 * project outside the monorepo next to the user's own knex and pg, then the real Knex CLI and the
 * installed `ballast` bin. Needs `pnpm build` first (`pnpm test` runs it) and the npm registry.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const PACKED = ['core', 'knex', 'cli'];
/** Packed too, for their contents (docs, links); installing them needs mongoose / Prisma. */
const PACKED_ONLY = ['mongoose', 'prisma'];
const tmp = mkdtempSync(join(tmpdir(), 'ballast-pack-'));
const project = join(tmp, 'project');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command as in a user's shell: without the test's NODE_OPTIONS (they select the packages'
 * TypeScript sources) and NODE_PATH (pnpm's bin shims point it into this repository's node_modules).
 */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      { cwd, env: { ...process.env, NODE_OPTIONS: '', NODE_PATH: '', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

const shown = (r: Run) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

/** The exact version the workspace uses, so the test installs what the repository tests with. */
function workspaceVersion(pkg: string, dep: string): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8'));
  return manifest.devDependencies?.[dep] ?? manifest.dependencies[dep];
}

const MIGRATION = `import { ballast } from '@ballast/knex';

// CONCURRENTLY cannot run inside the transaction Knex opens per migration.
export const config = { transaction: false };

export async function up(knex) {
  const b = ballast(knex);
  await b.safeAddColumn('items', 'note', 'text');
  await b.addIndexConcurrently('items', ['name']);
}

export async function down(knex) {
  await ballast(knex).reverse.addIndexConcurrently('items', ['name']);
  await ballast(knex).reverse.safeAddColumn('items', 'note', 'text');
}
`;

/** A TypeScript user's view: the installed declarations resolve and type-check. */
const TYPED = `import { ballast } from '@ballast/knex';
import { type Database, postgresDatabase } from '@ballast/core';
import { quoteIdent } from '@ballast/core/adapter';
import knex from 'knex';
import pg from 'pg';

const db = knex({ client: 'pg' });
const helpers = ballast(db);
export const add: Promise<unknown> = helpers.safeAddColumn('items', 'note', 'text');
export const quoted: string = quoteIdent('postgres', 'items');
// core's declarations name pg's types: @types/pg comes with @ballast/core.
export const database: Database = postgresDatabase(new pg.Pool());
`;

/** npm install of the packed tarballs and registry packages into `dir` (created). */
async function npmInstall(dir: string, specs: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const installed = await run('npm', ['install', '--no-audit', '--no-fund', ...specs], dir);
  assert.equal(installed.code, 0, `npm install in ${dir}: ${shown(installed)}`);
}

const tarball = (pkg: string) => join(tmp, `ballast-${pkg}-0.1.0.tgz`);

beforeAll(async () => {
  for (const pkg of [...PACKED, ...PACKED_ONLY]) {
    const dist = join(ROOT, 'packages', pkg, 'dist');
    assert.ok(existsSync(dist), `${dist} is missing: run \`pnpm build\` first (\`pnpm test\` does)`);
    const packed = await run('pnpm', ['pack', '--pack-destination', tmp], join(ROOT, 'packages', pkg));
    assert.equal(packed.code, 0, `pnpm pack in packages/${pkg}: ${shown(packed)}`);
  }
  await npmInstall(project, [
    ...PACKED.map(tarball),
    `knex@${workspaceVersion('knex', 'knex')}`,
    `pg@${workspaceVersion('knex', 'pg')}`,
  ]);
  mkdirSync(join(project, 'migrations'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('the packed tarballs install with npm: workspace versions resolved, one copy of pg, types resolve', async () => {
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules/@ballast/knex/package.json'), 'utf8'));
  assert.equal(manifest.dependencies['@ballast/core'], '0.1.0');
  // The repository's `ballast-source` condition points at src/, which the tarballs do not ship.
  for (const pkg of PACKED) {
    const installed = readFileSync(join(project, 'node_modules/@ballast', pkg, 'package.json'), 'utf8');
    assert.doesNotMatch(installed, /ballast-source/, `@ballast/${pkg}'s installed package.json`);
  }
  const pgCopies = await run('npm', ['ls', 'pg', '--all', '--parseable'], project);
  assert.equal(pgCopies.code, 0, shown(pgCopies));
  const paths = new Set(
    pgCopies.stdout.split('\n').filter((line) => line.endsWith(join('node_modules', 'pg'))),
  );
  assert.deepEqual([...paths], [join(project, 'node_modules', 'pg')]);

  writeFileSync(join(project, 'typed.ts'), TYPED);
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const checked = await run(
    process.execPath,
    [tsc, '--noEmit', '--strict', '--module', 'nodenext', 'typed.ts'],
    project,
  );
  assert.equal(checked.code, 0, `tsc on the installed declarations: ${shown(checked)}`);
});

/** Relative markdown link targets (without #fragment) of a file. */
function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.split('#')[0]!)
    .filter((path) => path !== '');
}

test('every relative link in a packed README, and in the docs it ships, resolves inside the package', async () => {
  for (const pkg of [...PACKED, ...PACKED_ONLY]) {
    const dir = join(tmp, 'unpacked', pkg);
    mkdirSync(dir, { recursive: true });
    const untar = await run('tar', ['xzf', tarball(pkg), '-C', dir], tmp);
    assert.equal(untar.code, 0, shown(untar));
    const root = join(dir, 'package');
    const files = [join(root, 'README.md')];
    const docs = join(root, 'docs');
    if (existsSync(docs)) {
      const listed = await run('find', [docs, '-name', '*.md'], tmp);
      files.push(...listed.stdout.split('\n').filter(Boolean));
    }
    let links = 0;
    for (const file of files) {
      for (const target of relativeLinks(readFileSync(file, 'utf8'))) {
        links++;
        const path = resolve(dirname(file), target);
        assert.ok(
          path.startsWith(root),
          `@ballast/${pkg}: ${file.slice(root.length)} links outside the package: ${target}`,
        );
        assert.ok(
          existsSync(path),
          `@ballast/${pkg}: ${file.slice(root.length)} links to ${target}, not in the tarball`,
        );
      }
    }
    if (pkg === 'core') assert.ok(links > 0, 'core README links to its docs');
  }
  // The packing left the repository as it was: README links point at ../../docs again.
  assert.match(
    readFileSync(join(ROOT, 'packages/core/README.md'), 'utf8'),
    /\]\(\.\.\/\.\.\/docs\/privileges\.md\)/,
  );
  assert.ok(!existsSync(join(ROOT, 'packages/core/docs')), 'postpack removed the docs copy');
});

/** Every public entry point, loaded both ways from the installed project. */
const ENTRY_POINTS = [
  '@ballast/core',
  '@ballast/core/adapter',
  '@ballast/core/lint',
  '@ballast/core/translate',
  '@ballast/knex',
];
const LOAD_BOTH_WAYS = `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
for (const name of ${JSON.stringify(ENTRY_POINTS)}) {
  const imported = Object.keys(await import(name)).filter((k) => k !== 'default' && k !== 'module.exports').sort();
  const required = Object.keys(require(name)).filter((k) => k !== 'default' && k !== 'module.exports').sort();
  if (imported.length === 0 || imported.join() !== required.join()) throw new Error(name + ': import and require() differ');
  console.log(name + ' ' + imported.length);
}
`;

test('ESM import and require() load every entry point of the installed packages alike', async () => {
  writeFileSync(join(project, 'both-ways.mjs'), LOAD_BOTH_WAYS);
  const loaded = await run(process.execPath, ['both-ways.mjs'], project);
  assert.equal(loaded.code, 0, `loading the entry points: ${shown(loaded)}`);
  for (const name of ENTRY_POINTS) assert.match(loaded.stdout, new RegExp(`^${name} \\d+$`, 'm'));
});

test('the same tarballs install with pnpm outside the monorepo: one copy of pg, the bin runs', async () => {
  const dir = join(tmp, 'pnpm-project');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // pnpm resolves a tarball's own dependencies (@ballast/knex → @ballast/core 0.1.0) from the
  // registry, where they are not published yet: point them at the tarballs, as the README's Install says.
  writeFileSync(
    join(dir, 'pnpm-workspace.yaml'),
    `overrides:\n${PACKED.map((pkg) => `  '@ballast/${pkg}': file:${tarball(pkg)}\n`).join('')}`,
  );
  const added = await run(
    'pnpm',
    [
      'add',
      ...PACKED.map(tarball),
      `knex@${workspaceVersion('knex', 'knex')}`,
      `pg@${workspaceVersion('knex', 'pg')}`,
    ],
    dir,
  );
  assert.equal(added.code, 0, `pnpm add in ${dir}: ${shown(added)}`);
  const pgCopies = await run('pnpm', ['ls', 'pg', '--depth', 'Infinity', '--parseable'], dir);
  assert.equal(pgCopies.code, 0, shown(pgCopies));
  const copies = new Set(
    pgCopies.stdout
      .split('\n')
      .filter((line) => /[\\/]pg@[^\\/]+[\\/]node_modules[\\/]pg$|[\\/]node_modules[\\/]pg$/.test(line)),
  );
  assert.equal(copies.size, 1, `one copy of pg: ${[...copies].join(', ')}`);
  const version = await run(join(dir, 'node_modules', '.bin', 'ballast'), ['--version'], dir);
  assert.equal(version.code, 0, shown(version));
  assert.match(version.stdout, /0\.1\.0/);
});

for (const server of pgServers())
  test(`[pg ${server.label}] the real knex CLI runs a migration using the installed @ballast/knex`, async () => {
    const db = await pgTestDatabase('packinstall', server);
    const conn = await connect(db.url);
    try {
      await conn.query('create table items (id bigint primary key, name text)');
      writeFileSync(
        join(project, 'knexfile.js'),
        "export default { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } };\n",
      );
      writeFileSync(join(project, 'migrations/20240101000000_items.js'), MIGRATION);
      const migrated = await run(join(project, 'node_modules/.bin/knex'), ['migrate:latest'], project, {
        DATABASE_URL: db.url,
      });
      assert.equal(migrated.code, 0, `knex migrate:latest: ${shown(migrated)}`);
      const columns = await conn.query<{ data_type: string }>(
        "select data_type from information_schema.columns where table_name = 'items' and column_name = 'note'",
      );
      assert.deepEqual(columns, [{ data_type: 'text' }]);
      const indexes = await conn.query<{ indexdef: string }>(
        "select indexdef from pg_indexes where tablename = 'items' and indexname = 'items_name_idx'",
      );
      assert.equal(indexes.length, 1, 'items_name_idx exists');
      assert.match(indexes[0]!.indexdef, /\(name\)/);
      // The installed `ballast status` reads what the migration left: lock released, nothing failed.
      const status = await run(join(project, 'node_modules/.bin/ballast'), ['status'], project, {
        DATABASE_URL: db.url,
      });
      assert.equal(status.code, 0, `ballast status: ${shown(status)}`);
      assert.match(status.stdout, /^migrator lock: free\n/);
      assert.match(status.stdout, /\nmigrations: \d+ journaled, none with failed or unfinished steps\n/);
      assert.match(
        status.stdout,
        /\nbackfills: none\nexpansions waiting for their contract: none\nbackups: none\n$/,
      );
      const json = await run(join(project, 'node_modules/.bin/ballast'), ['status', '--json'], project, {
        DATABASE_URL: db.url,
      });
      assert.equal(JSON.parse(json.stdout).ballastUsed, true, shown(json));
    } finally {
      await conn.close();
      await db.drop();
    }
  });

/** The installed `ballast` bin on a blocking CREATE INDEX: exit 1 and the rule's finding. */
async function expectLintFinding(dir: string): Promise<void> {
  writeFileSync(join(dir, 'bad.sql'), 'CREATE INDEX items_name_idx ON items (name);\n');
  const linted = await run(join(dir, 'node_modules/.bin/ballast'), ['lint', 'bad.sql'], dir);
  assert.equal(linted.code, 1, shown(linted));
  assert.match(linted.stdout + linted.stderr, /require-concurrent-index-creation/);
  // The finding's docs path is the page shipped in the installed @ballast/core.
  const docs = /^ {2}docs: (.+)$/m.exec(linted.stdout)?.[1];
  assert.ok(docs && /node_modules/.test(docs), `a docs line inside node_modules: ${shown(linted)}`);
  assert.ok(existsSync(resolve(dir, docs)), `${docs} exists`);
  assert.match(readFileSync(resolve(dir, docs), 'utf8'), /require-concurrent-index-creation|CONCURRENTLY/);
}

test('the installed `ballast` bin lints a SQL file: exit 1 with a finding on a blocking CREATE INDEX', () =>
  expectLintFinding(project));

test('without pg or mysql2 installed: `ballast lint` runs, and the database commands say what to install', async () => {
  const bare = join(tmp, 'lint-only');
  await npmInstall(bare, [tarball('core'), tarball('cli')]);
  assert.ok(!existsSync(join(bare, 'node_modules/pg')), 'pg is an optional peer: npm did not install it');
  await expectLintFinding(bare);
  const script = [
    "import('@ballast/core')",
    ".then((core) => core.postgresDatabaseFromUrl('postgres://localhost/x'))",
    ".then(() => console.log('opened'), (error) => console.log(error.name + '\\n' + error.message));",
  ].join('');
  const opened = await run(process.execPath, ['-e', script], bare);
  assert.equal(opened.code, 0, shown(opened));
  assert.match(
    opened.stdout,
    /^MissingDependencyError\n.*the package `pg` is not installed.*\n.*npm install pg/s,
  );
  // The commands that need an optional peer say which one, instead of a module-not-found stack.
  const bin = join(bare, 'node_modules/.bin/ballast');
  const status = await run(bin, ['status', '--database-url', 'postgres://localhost/x'], bare);
  assert.equal(status.code, 1, shown(status));
  assert.match(status.stderr, /^ballast status: .*the package `pg` is not installed.*\n.*npm install pg/s);
  const backups = await run(
    bin,
    ['backups', 'list', '--database-url', 'mysql://root:hunter2secret@localhost/x'],
    bare,
  );
  assert.equal(backups.code, 1, shown(backups));
  assert.match(
    backups.stderr,
    /^ballast backups list: .*the package `mysql2` is not installed.*\n.*npm install mysql2/s,
  );
  assert.doesNotMatch(backups.stderr, /hunter2secret/);
  const mongo = await run(bin, ['mongo', 'status', '--url', 'mongodb://localhost/x'], bare);
  assert.equal(mongo.code, 1, shown(mongo));
  assert.match(
    mongo.stderr,
    /^ballast mongo: ballast mongo needs the package `mongoose`.*npm install mongoose/s,
  );
  writeFileSync(join(bare, 'm.js'), 'export async function up() {}\n');
  const knex = await run(bin, ['lint', '--knex', 'm.js'], bare);
  assert.equal(knex.code, 2, shown(knex));
  assert.match(knex.stderr, /^ballast lint: ballast lint --knex needs the package `knex`.*npm install knex/s);
});
