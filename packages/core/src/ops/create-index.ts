import type { z } from 'zod';
import { mysqlIndexExists } from '../dialects/mysql/compare/probes.js';
import type { ServerInfo } from '../dialects/server.js';
import { UnsupportedServerError } from '../errors.js';
import { freezePlan, type Plan } from '../plan.js';
import { createIndexInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import {
  createIndexConcurrentlyStep,
  defaultIndexName,
  dropIndexConcurrentlyStep,
} from './concurrent-index.js';
import { type Caps, dropIndexStep, myColumns, myIdent, onlineAlterStep } from './mysql/alter.js';
import { displayName, ownerOf, requireIdentifiers } from './shared.js';

/** Checked at run time by `createIndexInput` (validate/ops.ts). */
export type CreateIndexInput = z.input<typeof createIndexInput>;

/** CREATE INDEX CONCURRENTLY IF NOT EXISTS, with invalid-leftover cleanup; reverse drops it concurrently. */
export function planCreateIndex(args: CreateIndexInput, server: ServerInfo): Plan {
  const input = parseArgs(createIndexInput, args, 'planCreateIndex input');
  if (server.dialect === 'mysql') return planCreateIndexMysql(input, server.capabilities);
  const name = defaultIndexName(input);
  const id = `create-index:${displayName({ table: name, schema: input.schema })}`;
  return freezePlan({
    operation: 'create-index',
    requires: ownerOf(input, true),
    target: `${displayName(input)}(${input.columns.join(', ')})`,
    steps: [createIndexConcurrentlyStep(input, server, id)],
    reverse: [dropIndexConcurrentlyStep({ name, schema: input.schema }, id)],
    notes: [
      'CREATE INDEX CONCURRENTLY cannot run inside a transaction: the runner runs it on its own.',
      ...(input.unique
        ? [
            'A unique build fails on duplicates and leaves an INVALID index; rerun after fixing the data (the leftover is dropped first).',
          ]
        : []),
    ],
  });
}

/**
 * MySQL/MariaDB build secondary indexes online (INPLACE, concurrent DML); stating
 * `ALGORITHM=INPLACE, LOCK=NONE` makes the server fail instead of silently copying or locking.
 */
function planCreateIndexMysql(input: CreateIndexInput, caps: Caps): Plan {
  const where = `create index on ${displayName(input)}`;
  requireIdentifiers(where, 'index column', input.columns);
  if (input.where !== undefined || (input.method && input.method !== 'btree')) {
    throw new UnsupportedServerError(
      `${where}: MySQL/MariaDB have no partial or ${input.method} indexes here`,
      {
        where,
        hint: 'plan a plain B-tree index',
      },
    );
  }
  const name = defaultIndexName(input);
  const id = `create-index:${displayName({ table: name, schema: input.schema })}`;
  return freezePlan({
    operation: 'create-index',
    target: `${displayName(input)}(${input.columns.join(', ')})`,
    steps: [
      onlineAlterStep({
        kind: 'secondary-index',
        caps,
        id: `${id}:create-index`,
        description: `build index ${name} in place: reads and writes continue (LOCK=NONE)`,
        table: input,
        clause: `ADD ${input.unique ? 'UNIQUE ' : ''}INDEX ${myIdent(name)} (${myColumns(input.columns)})`,
        timeout: 'long',
        done: mysqlIndexExists(input, name),
        expects: {
          kind: 'index',
          table: input.table,
          schema: input.schema,
          name,
          columns: input.columns,
          unique: input.unique === true,
        },
      }),
    ],
    reverse: [dropIndexStep(input, name, `${id}:drop-index`, caps)],
    notes: [],
  });
}
