import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { userCallSites } from '../src/call-site.js';
import { directionOf } from '../src/migration-context.js';

// Pure stack reading: no database involved (what it yields on real migrations is asserted by the
// helper tests through journal keys and error messages).

test('the first user frame is the caller of the helper, with its function name', () => {
  async function up() {
    return userCallSites();
  }
  return up().then((sites) => {
    assert.equal(sites[0]!.file, fileURLToPath(import.meta.url));
    assert.equal(sites[0]!.fn, 'up');
    assert.equal(directionOf(sites), 'up');
  });
});

test('up/down are read from the names V8 gives ESM, CommonJS and renamed migration functions', () => {
  const site = (fn?: string) => ({ file: '/m/1_x.js', line: 1, column: 1, ...(fn ? { fn } : {}) });
  assert.equal(directionOf([site('up')]), 'up');
  assert.equal(directionOf([site('Module.down')]), 'down');
  assert.equal(directionOf([site('exports.up')]), 'up');
  assert.equal(directionOf([site('Object.migrateDown [as down]')]), 'down');
  // A helper function inside the migration file: the next frame is the migration function.
  assert.equal(directionOf([site('addAuditColumns'), site('async Module.up')]), 'up');
  assert.equal(directionOf([site('setup'), site()]), undefined);
  assert.equal(directionOf([site('backup')]), undefined);
});
