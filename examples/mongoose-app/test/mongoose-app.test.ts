/** The example runs end to end (one command) on the harness's Mongo-wire server. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type MongoTestDatabase, mongoTestDatabase } from '@ballast/testkit';
import { afterAll, beforeAll, test } from 'vitest';

const start = fileURLToPath(new URL('../start.ts', import.meta.url));
let mongo: MongoTestDatabase;
beforeAll(async () => {
  mongo = await mongoTestDatabase('example');
});
afterAll(async () => {
  await mongo.drop();
});

test('mongoose-app: v1 documents, v3 reads them, migration up/down/up', () => {
  const r = spawnSync(process.execPath, ['--conditions=ballast-source', '--import', 'tsx', start], {
    encoding: 'utf8',
    env: { ...process.env, MONGO_URL: mongo.url, PEOPLE: '120' },
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const line = (prefix: string) => lines.find((l) => l.startsWith(`[mongoose-app] ${prefix}`)) ?? '';
  assert.match(line('v1 app wrote'), /v1: 120;/);
  const json = (l: string, after: string) => JSON.parse(l.slice(l.indexOf(after) + after.length));
  assert.deepEqual(json(line('v3 app reads'), 'in memory: '), {
    _id: 1,
    __v: 0,
    first: 'Ada1',
    last: 'Lovelace',
    email: 'ada1.lovelace@example.org',
    schemaVersion: 3,
  });
  assert.match(line('after the v3 app saved it'), /v1: 119, v3: 1;/);
  assert.match(line('migrations up:'), /001-people-v3, 002-people-email$/);
  assert.match(line('index email_1'), /^\[mongoose-app\] index email_1: created \(/);
  assert.match(
    line('validator'),
    /validator: (not set: cannot stage a \$jsonSchema validator .* FerretDB .* refuses it|staged)/,
  );
  assert.match(line('after up:'), /v3: 120;/);
  assert.match(line('after down'), /v1: 120;/);
  assert.deepEqual(json(line('after down'), 'first stored: '), {
    _id: 1,
    __v: 0,
    name: 'Ada1 Lovelace',
    schemaVersion: 1,
  });
  assert.match(line('migrations down'), /002-people-email, 001-people-v3$/);
  assert.match(line('after up again'), /v3: 120;/);
});
