import type { ServerInfo } from '../dialects/server.js';
import { dropIndexConcurrentlyStep } from '../index/concurrent-index.js';
import { freezePlan, type Plan } from '../plan.js';
import { displayName, ownerOf } from './shared.js';

export interface DropIndexInput {
  readonly name: string;
  readonly schema?: string;
}

/** DROP INDEX CONCURRENTLY IF EXISTS. Irreversible here: the definition is not known to the planner. */
export function planDropIndex(input: DropIndexInput, _server: ServerInfo): Plan {
  const target = displayName({ table: input.name, schema: input.schema });
  return freezePlan({
    operation: 'drop-index',
    requires: ownerOf({ table: input.name, schema: input.schema }),
    target,
    steps: [dropIndexConcurrentlyStep(input, `drop-index:${target}`)],
    reverse: [],
    notes: [
      'An index that backs a constraint (unique, primary key) cannot be dropped this way: drop the constraint.',
    ],
  });
}
