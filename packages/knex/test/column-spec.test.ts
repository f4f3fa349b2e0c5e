import assert from 'node:assert/strict';
import knexFactory from 'knex';
import { afterAll, test } from 'vitest';
import { resolveColumnSpec } from '../src/column-spec.js';

// Spec translation needs only Knex's compiler, not a connection; what the specs do on a real
// server is covered by the helper tests.
const knex = knexFactory({ client: 'pg' });
afterAll(() => knex.destroy());

test('a type string, and an object with default and notNull', () => {
  assert.deepEqual(resolveColumnSpec(knex, 'users', 'bio', 'text'), { type: 'text', notNull: false });
  assert.deepEqual(
    resolveColumnSpec(knex, 'users', 'active', { type: 'boolean', default: false, notNull: true }),
    { type: 'boolean', notNull: true, default: { value: false } },
  );
  assert.deepEqual(
    resolveColumnSpec(knex, 'users', 'created_at', { type: 'timestamptz', default: { sql: 'now()' } }),
    { type: 'timestamptz', notNull: false, default: { sql: 'now()' } },
  );
});

test('a Knex builder callback gives the compiled type, default and nullability', () => {
  assert.deepEqual(
    resolveColumnSpec(knex, 'users', 'email', (t) => t.string('email', 320).notNullable().defaultTo('')),
    { type: 'varchar(320)', notNull: true, default: { value: '' } },
  );
  assert.deepEqual(
    resolveColumnSpec(knex, 'users', 'seen_at', (t) => t.timestamp('seen_at').defaultTo(knex.fn.now())),
    { type: 'timestamptz', notNull: false, default: { sql: 'CURRENT_TIMESTAMP' } },
  );
  assert.deepEqual(
    resolveColumnSpec(knex, 'users', 'score', (t) => t.bigInteger('score')),
    {
      type: 'bigint',
      notNull: false,
    },
  );
  assert.deepEqual(
    resolveColumnSpec(knex, 'users', 'doc', (t) => t.jsonb('doc').defaultTo(knex.raw("'{}'::jsonb"))),
    {
      type: 'jsonb',
      notNull: false,
      default: { sql: "'{}'::jsonb" },
    },
  );
});

test('builder features that need their own safe helper are refused with a pointer to it', () => {
  assert.throws(() => resolveColumnSpec(knex, 'users', 'email', (t) => t.string('email').unique()), {
    name: 'ColumnSpecError',
    message: /users\.email: the column builder callback declares more than a column[\s\S]*addUnique/,
  });
  assert.throws(
    () => resolveColumnSpec(knex, 'users', 'org_id', (t) => t.integer('org_id').references('orgs.id')),
    {
      message: /addForeignKey/,
    },
  );
  assert.throws(() => resolveColumnSpec(knex, 'users', 'email', (t) => t.string('mail')), {
    message: /names the column "mail"/,
  });
  assert.throws(() => resolveColumnSpec(knex, 'users', 'n', (t) => t.increments('n')), {
    message: /increments/,
  });
  assert.throws(() => resolveColumnSpec(knex, 'users', 'n', (t) => t.integer('n').comment('x')), {
    message: /uses comment/,
  });
  assert.throws(
    () =>
      resolveColumnSpec(knex, 'users', 'n', (t) => {
        t.integer('n');
        t.integer('m');
      }),
    {
      message: /exactly one column, found 2/,
    },
  );
  assert.throws(() => resolveColumnSpec(knex, 'users', 'n', { type: '' }), {
    name: 'InvalidArgumentError',
    argument: 'safeAddColumn spec.type',
  });
});
