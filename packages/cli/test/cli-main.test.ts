/** `ballast` itself: --version, --help, unknown commands and options, URLs it refuses, masking. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { maskSecrets } from '../src/mask.js';
import { importOptional } from '../src/optional.js';
import { ballast, ballastProcess, root } from './fixtures/cli.js';

test('--version prints the package version on stdout, exit 0', async () => {
  const { version } = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8'));
  const r = await ballastProcess(['--version']);
  assert.deepEqual(r, { code: 0, stdout: `${version}\n`, stderr: '' });
});

test('--help and every command --help go to stdout, exit 0', async () => {
  const top = await ballast('--help');
  assert.equal(top.code, 0);
  for (const name of ['lint', 'status', 'backfill', 'backups', 'mongo']) {
    assert.match(top.stdout, new RegExp(`^  ${name} `, 'm'));
    const r = await ballast(name, '--help');
    assert.equal(r.code, 0, name);
    assert.match(r.stdout, new RegExp(`^usage: ballast ${name}`), name);
    assert.equal(r.stderr, '', name);
  }
});

test('unknown command or option: stderr, exit 2, with a suggestion', async () => {
  const command = await ballast('stauts');
  assert.equal(command.code, 2);
  assert.equal(command.stdout, '');
  assert.match(command.stderr, /^ballast: unknown command stauts \(did you mean status\?\)\n/);
  const option = await ballast('status', '--jsno', '--database-url', 'postgres://localhost/x');
  assert.equal(option.code, 2);
  assert.match(option.stderr, /^ballast status: unknown option --jsno \(did you mean --json\?\)\n/);
  const mongo = await ballast('mongo', 'status', '--ur', 'mongodb://localhost/x');
  assert.equal(mongo.code, 2);
  assert.match(mongo.stderr, /^ballast mongo: unknown option --ur \(did you mean --url\?\)\n/);
  const action = await ballast('backups', 'restor', '1', '--database-url', 'postgres://localhost/x');
  assert.equal(action.code, 2);
  assert.match(
    action.stderr,
    /unknown action restor \(did you mean restore\?\); expected one of list, restore, purge/,
  );
});

test('no URL, a MySQL URL for a PostgreSQL-only command, or a MongoDB URL: a usage error that says what is supported', async () => {
  const none = await ballastProcess(['status'], { DATABASE_URL: '' });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no database: pass --database-url or set DATABASE_URL/);
  const mysql = await ballast('verify', 't', 'a', 'b', '--database-url', 'mysql://root:pw@localhost/app');
  assert.equal(mysql.code, 2);
  assert.match(
    mysql.stderr,
    /^ballast verify: runs on PostgreSQL only, not on mysql:\/\/: shadow verification/,
  );
  const mongo = await ballast('backfill', 'list', '--database-url', 'mongodb://localhost/app');
  assert.equal(mongo.code, 2);
  assert.match(mongo.stderr, /for MongoDB use ballast mongo status/);
});

test('passwords never reach the output: usage errors and connection errors', async () => {
  const odd = await ballast('status', '--database-url', 'http://admin:hunter2secret@db.internal/app');
  assert.equal(odd.code, 2);
  assert.match(odd.stderr, /http:\/\/admin:\*\*\*@db\.internal\/app/);
  assert.doesNotMatch(odd.stderr, /hunter2secret/);
  // Nothing listens on port 1: the driver's error is printed, masked, with what to check.
  const refused = await ballast('status', '--database-url', 'postgres://admin:hunter2secret@127.0.0.1:1/app');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /ECONNREFUSED[\s\S]*check the host and port/);
  assert.doesNotMatch(refused.stderr + refused.stdout, /hunter2secret/);
});

test('a missing optional peer is a MissingDependencyError naming the package to install', async () => {
  const error = await importOptional('ballast-no-such-package', 'ballast mongo').then(
    () => assert.fail('imported a package that does not exist'),
    (e: Error) => e,
  );
  assert.equal(error.name, 'MissingDependencyError');
  assert.match(
    error.message,
    /^ballast mongo needs the package `ballast-no-such-package`, which is not installed in this project\n {2}→ install it next to @ballast\/cli: npm install ballast-no-such-package$/,
  );
});

test("maskSecrets hides the password of every URL, and the given URL's password anywhere", () => {
  assert.equal(
    maskSecrets(
      'failed: postgres://app:s3cret@db/app and mongodb+srv://u:p%40ss@x/y',
      'postgres://app:s3cret@db/app',
    ),
    'failed: postgres://app:***@db/app and mongodb+srv://u:***@x/y',
  );
  assert.equal(
    maskSecrets('password s3cret was refused', 'postgres://app:s3cret@db/app'),
    'password *** was refused',
  );
});
