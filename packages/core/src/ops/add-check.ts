import type { z } from 'zod';
import { constraintExists, constraintMissing } from '../dialects/postgres/catalog.js';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import type { TableRef } from '../dialects/table-ref.js';
import type { ConstraintExpectation } from '../expect.js';
import { freezePlan, type Plan, type SqlStep, undoWith } from '../plan.js';
import { addCheckInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { refuseAddCheckMysql } from './mysql/add-check.js';
import { displayName, ownerOf, qi, qtable, relationsOf, requireFragment, sqlStep } from './shared.js';

/** Checked at run time by `addCheckInput` (validate/ops.ts), from which this type comes. */
export type AddCheckInput = z.input<typeof addCheckInput>;

/** ADD CONSTRAINT ... NOT VALID (instant, new writes checked) then VALIDATE (scan without blocking writes). */
export function validatedConstraintSteps(
  ref: TableRef,
  name: string,
  definition: string,
  idPrefix: string,
  addLock: SqlStep['lock'] = 'ACCESS EXCLUSIVE',
  /** The definition as data, compared with an existing constraint of that name (expect.ts). */
  expects?: ConstraintExpectation,
  alsoLocks: readonly TableRef[] = [],
): SqlStep[] {
  const t = qtable(ref);
  return [
    sqlStep({
      id: `${idPrefix}:add-not-valid`,
      description: `add constraint ${name} on ${displayName(ref)} as NOT VALID: checks new writes only, no scan`,
      lock: addLock,
      relations: relationsOf(ref, ...alsoLocks),
      transactional: true,
      timeout: 'ddl',
      sql: `ALTER TABLE ${t} ADD CONSTRAINT ${qi(name)} ${definition} NOT VALID`,
      done: constraintExists(ref, name),
      ...(expects ? { expects } : {}),
      // A failed VALIDATE must not leave a constraint that refuses the application's writes.
      undoOnFailure: undoWith(dropConstraintStep(ref, name, idPrefix)),
    }),
    sqlStep({
      id: `${idPrefix}:validate`,
      description: `validate constraint ${name}: scans existing rows while reads and writes continue`,
      lock: 'SHARE UPDATE EXCLUSIVE',
      transactional: true,
      timeout: 'long',
      sql: `ALTER TABLE ${t} VALIDATE CONSTRAINT ${qi(name)}`,
      done: constraintExists(ref, name, { validated: true }),
    }),
  ];
}

export function dropConstraintStep(ref: TableRef, name: string, idPrefix: string): SqlStep {
  return sqlStep({
    id: `${idPrefix}:drop-constraint`,
    description: `drop constraint ${name} on ${displayName(ref)}`,
    lock: 'ACCESS EXCLUSIVE',
    relations: relationsOf(ref),
    transactional: true,
    timeout: 'ddl',
    sql: `ALTER TABLE ${qtable(ref)} DROP CONSTRAINT IF EXISTS ${qi(name)}`,
    done: constraintMissing(ref, name),
  });
}

export function planAddCheck(args: AddCheckInput, server: ServerInfo): Plan {
  const input = parseArgs(addCheckInput, args, 'planAddCheck input');
  if (server.dialect === 'mysql') refuseAddCheckMysql(input);
  requireDialect(server, 'postgres', 'planAddCheck');
  const target = `${displayName(input)}.${input.name}`;
  const id = `add-check:${target}`;
  const expression = requireFragment(target, 'CHECK expression', input.expression);
  return freezePlan({
    operation: 'add-check',
    requires: ownerOf(input),
    target,
    steps: validatedConstraintSteps(input, input.name, `CHECK (${expression})`, id, 'ACCESS EXCLUSIVE', {
      kind: 'check',
      table: input.table,
      schema: input.schema,
      name: input.name,
      expression,
    }),
    reverse: [dropConstraintStep(input, input.name, id)],
    notes: [
      'VALIDATE fails if existing rows violate the check: fix them and rerun (the NOT VALID constraint already guards new writes).',
    ],
  });
}
