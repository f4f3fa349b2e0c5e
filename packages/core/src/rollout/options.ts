import { z } from 'zod';
import { fn, milliseconds, name, positiveInt, progressReporter } from '../validate/common.js';
import { database } from '../validate/run.js';
import type { HealthCheck, RolloutMigrator } from './types.js';

/** runRollout's arguments, checked once at the boundary (unknown keys are errors). */
const check = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sql'),
    sql: z.string().min(1),
    max: z.number().optional(),
    min: z.number().optional(),
  }),
  z.strictObject({
    kind: z.literal('callback'),
    name: name.optional(),
    check: fn<Extract<HealthCheck, { kind: 'callback' }>['check']>('a check function'),
  }),
  z.strictObject({
    kind: z.literal('http'),
    url: z.url(),
    status: z.number().int().optional(),
    timeoutMs: milliseconds.optional(),
  }),
]);

const migrator = z
  .custom<RolloutMigrator>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      ['pending', 'batch', 'up', 'rollbackAfter'].every(
        (k) => typeof (v as Record<string, unknown>)[k] === 'function',
      ),
  )
  .describe('a RolloutMigrator { pending, batch, up, rollbackAfter }');

export const rolloutArgs = {
  control: database,
  options: z
    .strictObject({
      id: name,
      targets: z.array(z.string().min(1)).min(1).readonly(),
      migrator,
      waves: z
        .array(z.union([z.string(), positiveInt]))
        .min(1)
        .readonly()
        .optional(),
      concurrency: positiveInt.optional(),
      gate: z
        .strictObject({
          checks: z.array(check).min(1).readonly(),
          soakMs: milliseconds.optional(),
          intervalMs: milliseconds.optional(),
        })
        .readonly()
        .optional(),
      autoRollback: z.boolean().optional(),
      retryHalted: z.boolean().optional(),
      progress: progressReporter.optional(),
      log: fn<(line: string) => void>().optional(),
    })
    .readonly(),
};
