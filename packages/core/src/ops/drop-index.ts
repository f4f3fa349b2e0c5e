import type { z } from 'zod';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import { freezePlan, type Plan } from '../plan.js';
import { dropIndexInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { dropIndexConcurrentlyStep } from './concurrent-index.js';
import { planDropIndexMysql } from './mysql/drop-index.js';
import { displayName, ownerOf } from './shared.js';

/** Checked at run time by `dropIndexInput` (validate/ops.ts), from which this type comes. */
export type DropIndexInput = z.input<typeof dropIndexInput>;

/** DROP INDEX CONCURRENTLY IF EXISTS. Irreversible here: the definition is not known to the planner. */
export function planDropIndex(args: DropIndexInput, server: ServerInfo): Plan {
  const input = parseArgs(dropIndexInput, args, 'planDropIndex input');
  if (server.dialect === 'mysql') return planDropIndexMysql(input, server.capabilities);
  requireDialect(server, 'postgres', 'planDropIndex');
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
