import type { z } from 'zod';
import { anyOf, columnNotNull, constraintExists, constraintMissing } from '../dialects/postgres/catalog.js';
import { type PgServerInfo, requireDialect, type ServerInfo } from '../dialects/server.js';
import { freezePlan, type Plan, type SqlStep, type Step, undoWith } from '../plan.js';
import { setNotNullInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { dropConstraintStep } from './add-check.js';
import { defaultName, displayName, ownerOf, qi, qtable, relationsOf, sqlStep } from './shared.js';

/** Checked at run time by `setNotNullInput` (validate/ops.ts), from which this type comes. */
export type SetNotNullInput = z.input<typeof setNotNullInput>;

/**
 * NOT NULL without holding ACCESS EXCLUSIVE during a full scan:
 * - PG >= 18: `ADD CONSTRAINT n NOT NULL c NOT VALID` (instant) → `VALIDATE` (scan, writes go on);
 * - PG 12–17: `CHECK (c IS NOT NULL) NOT VALID` → `VALIDATE` → `SET NOT NULL` (instant: PG uses
 *   the valid check instead of scanning) → drop the check;
 * - PG < 12: the validated CHECK is kept as the constraint (SET NOT NULL would scan under lock).
 * Every step's `done` check also accepts "column already NOT NULL", so a rerun is a no-op.
 */
const notNullConstraintName = (input: SetNotNullInput) =>
  input.constraintName ?? defaultName([input.table, input.column], 'not_null');

export function notNullSteps(input: SetNotNullInput, server: PgServerInfo, idPrefix: string): Step[] {
  const t = qtable(input);
  const c = qi(input.column);
  const name = notNullConstraintName(input);
  const where = `${displayName(input)}.${input.column}`;
  const alreadyNotNull = columnNotNull(input, input.column);
  // The NOT VALID constraint refuses NULL writes at once: a failed run takes it away again.
  const undoOnFailure = undoWith(dropConstraintStep(input, name, idPrefix));
  // A constraint of that name that is not this rule is no "already done": the steps below would
  // validate (PG 18) or drop (PG 12-17) it while the column stays nullable.
  const named = { table: input.table, schema: input.schema, name };
  if (server.capabilities.notNullNotValid) {
    return [
      sqlStep({
        id: `${idPrefix}:add-not-null-not-valid`,
        description: `add NOT NULL on ${where} as NOT VALID: checks new writes only, no scan`,
        lock: 'ACCESS EXCLUSIVE',
        relations: relationsOf(input),
        transactional: true,
        timeout: 'ddl',
        sql: `ALTER TABLE ${t} ADD CONSTRAINT ${qi(name)} NOT NULL ${c} NOT VALID`,
        done: anyOf(alreadyNotNull, constraintExists(input, name)),
        expects: { kind: 'not-null', ...named, column: input.column },
        undoOnFailure,
      }),
      sqlStep({
        id: `${idPrefix}:validate-not-null`,
        description: `validate NOT NULL on ${where}: scans existing rows while reads and writes continue`,
        lock: 'SHARE UPDATE EXCLUSIVE',
        transactional: true,
        timeout: 'long',
        sql: `ALTER TABLE ${t} VALIDATE CONSTRAINT ${qi(name)}`,
        done: alreadyNotNull,
      }),
    ];
  }
  const steps: Step[] = [
    sqlStep({
      id: `${idPrefix}:add-check-not-valid`,
      description: `add CHECK (${input.column} IS NOT NULL) NOT VALID on ${displayName(input)}: new writes only, no scan`,
      lock: 'ACCESS EXCLUSIVE',
      relations: relationsOf(input),
      transactional: true,
      timeout: 'ddl',
      sql: `ALTER TABLE ${t} ADD CONSTRAINT ${qi(name)} CHECK (${c} IS NOT NULL) NOT VALID`,
      done: anyOf(alreadyNotNull, constraintExists(input, name)),
      expects: { kind: 'check', ...named, expression: `${c} IS NOT NULL` },
      undoOnFailure,
    }),
    sqlStep({
      id: `${idPrefix}:validate-check`,
      description: `validate the NOT NULL check on ${where}: scans existing rows while reads and writes continue`,
      lock: 'SHARE UPDATE EXCLUSIVE',
      transactional: true,
      timeout: 'long',
      sql: `ALTER TABLE ${t} VALIDATE CONSTRAINT ${qi(name)}`,
      done: anyOf(alreadyNotNull, constraintExists(input, name, { validated: true })),
    }),
  ];
  if (!server.capabilities.notNullFromValidCheck) return steps;
  return [
    ...steps,
    sqlStep({
      id: `${idPrefix}:set-not-null`,
      description: `SET NOT NULL on ${where}: instant, the validated check proves it without a scan`,
      lock: 'ACCESS EXCLUSIVE',
      relations: relationsOf(input),
      transactional: true,
      timeout: 'ddl',
      sql: `ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL`,
      done: alreadyNotNull,
      // Only when this run set it (a column NOT NULL before is already-done, never undone).
      undoOnFailure: undoWith(dropNotNullStep(input, idPrefix)),
    }),
    sqlStep({
      id: `${idPrefix}:drop-check`,
      description: `drop the now redundant check ${name}`,
      lock: 'ACCESS EXCLUSIVE',
      relations: relationsOf(input),
      transactional: true,
      timeout: 'ddl',
      sql: `ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${qi(name)}`,
      done: constraintMissing(input, name),
    }),
  ];
}

export function dropNotNullStep(input: SetNotNullInput, idPrefix: string): SqlStep {
  return sqlStep({
    id: `${idPrefix}:drop-not-null`,
    description: `DROP NOT NULL on ${displayName(input)}.${input.column}: instant`,
    lock: 'ACCESS EXCLUSIVE',
    relations: relationsOf(input),
    transactional: true,
    timeout: 'ddl',
    sql: `ALTER TABLE ${qtable(input)} ALTER COLUMN ${qi(input.column)} DROP NOT NULL`,
  });
}

export function planSetNotNull(args: SetNotNullInput, server: ServerInfo): Plan {
  requireDialect(server, 'postgres', 'planSetNotNull');
  const input = parseArgs(setNotNullInput, args, 'planSetNotNull input');
  const target = `${displayName(input)}.${input.column}`;
  const id = `set-not-null:${target}`;
  const oldServer = !server.capabilities.notNullFromValidCheck;
  return freezePlan({
    operation: 'set-not-null',
    requires: ownerOf(input),
    target,
    steps: notNullSteps(input, server, id),
    // On PG < 12 the rule is the kept CHECK constraint, not the column's NOT NULL.
    reverse: oldServer
      ? [dropConstraintStep(input, notNullConstraintName(input), id)]
      : [dropNotNullStep(input, id)],
    notes: oldServer
      ? [
          `PostgreSQL < 12 cannot turn a validated CHECK into SET NOT NULL without a full scan under ACCESS EXCLUSIVE: ` +
            `the CHECK (${input.column} IS NOT NULL) stays as the constraint.`,
        ]
      : [],
  });
}
