import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pgTestDatabase } from '@ballast/testkit';

test('smoke', async () => {
  const db = await pgTestDatabase();
  const c = await db.connect();
  const rows = await c.query<{ x: number }>('select 1 as x');
  assert.equal(rows[0]!.x, 1);
  await c.close();
  await db.drop();
});
