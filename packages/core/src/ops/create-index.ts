import type { ServerInfo } from '../dialects/server.js';
import {
  type ConcurrentIndexSpec,
  createIndexConcurrentlyStep,
  defaultIndexName,
  dropIndexConcurrentlyStep,
} from '../index/concurrent-index.js';
import { freezePlan, type Plan } from '../plan.js';
import { displayName } from './shared.js';

export interface CreateIndexInput extends ConcurrentIndexSpec {}

/** CREATE INDEX CONCURRENTLY IF NOT EXISTS, with invalid-leftover cleanup; reverse drops it concurrently. */
export function planCreateIndex(input: CreateIndexInput, server: ServerInfo): Plan {
  const name = defaultIndexName(input);
  const id = `create-index:${displayName({ table: name, schema: input.schema })}`;
  return freezePlan({
    operation: 'create-index',
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
