import { type BackfillStep, freezePlan, type Plan } from '@ballast/core';

/**
 * A plan of one batched backfill step (core/backfill runs it: keyset batches, each its own
 * transaction, resumable from its checkpoint). Core has no planner for a bare backfill: the step
 * is the same one planAddColumn emits for a volatile default.
 */
export function backfillPlan(input: {
  readonly table: string;
  readonly schema?: string;
  readonly set: Readonly<Record<string, string>>;
  readonly where?: string;
}): Plan {
  const target = `${input.schema ? `${input.schema}.` : ''}${input.table}(${Object.keys(input.set).join(', ')})`;
  const step: BackfillStep = {
    kind: 'backfill',
    id: `backfill:${target}`,
    description: `fill ${target} on existing rows in small batches, each its own short transaction`,
    lock: 'ROW EXCLUSIVE',
    transactional: false,
    timeout: 'long',
    backfill: {
      table: input.table,
      ...(input.schema ? { schema: input.schema } : {}),
      set: input.set,
      ...(input.where ? { where: input.where } : {}),
    },
  };
  return freezePlan({ operation: 'backfill', target, steps: [step], reverse: [], notes: [] });
}
