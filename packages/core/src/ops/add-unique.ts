import type { z } from 'zod';
import { constraintExists } from '../dialects/postgres/catalog.js';
import { requireDialect, type ServerInfo } from '../dialects/server.js';
import { freezePlan, type Plan, type SqlStep } from '../plan.js';
import { addUniqueInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { dropConstraintStep } from './add-check.js';
import { createIndexConcurrentlyStep } from './concurrent-index.js';
import { planAddUniqueMysql } from './mysql/add-unique.js';
import {
  defaultName,
  displayName,
  ownerOf,
  qi,
  qtable,
  relationsOf,
  requireIdentifiers,
  sqlStep,
} from './shared.js';

/** Checked at run time by `addUniqueInput` (validate/ops.ts), from which this type comes. */
export type AddUniqueInput = z.input<typeof addUniqueInput>;

/**
 * Shared by unique and primary key: build the unique index CONCURRENTLY under the constraint's
 * own name, then attach it with `ADD CONSTRAINT ... USING INDEX` (catalog-only, instant).
 */
export function constraintUsingIndexSteps(
  input: AddUniqueInput,
  kind: 'UNIQUE' | 'PRIMARY KEY',
  name: string,
  server: ServerInfo,
  idPrefix: string,
): SqlStep[] {
  return [
    createIndexConcurrentlyStep({ ...input, name, unique: true }, server, idPrefix),
    sqlStep({
      id: `${idPrefix}:attach`,
      description: `make the unique index ${name} the ${kind} constraint of ${displayName(input)}: catalog-only`,
      lock: 'ACCESS EXCLUSIVE',
      relations: relationsOf(input),
      transactional: true,
      timeout: 'ddl',
      sql: `ALTER TABLE ${qtable(input)} ADD CONSTRAINT ${qi(name)} ${kind} USING INDEX ${qi(name)}`,
      done: constraintExists(input, name),
      expects: {
        kind: kind === 'UNIQUE' ? 'unique' : 'primary-key',
        table: input.table,
        schema: input.schema,
        name,
        columns: input.columns,
      },
    }),
  ];
}

export function planAddUnique(args: AddUniqueInput, server: ServerInfo): Plan {
  const input = parseArgs(addUniqueInput, args, 'planAddUnique input');
  requireIdentifiers(displayName(input), 'column', input.columns);
  if (server.dialect === 'mysql') return planAddUniqueMysql(input, server.capabilities);
  requireDialect(server, 'postgres', 'planAddUnique');
  const name = input.name ?? defaultName([input.table, ...input.columns], 'key');
  const id = `add-unique:${displayName(input)}.${name}`;
  return freezePlan({
    operation: 'add-unique',
    requires: ownerOf(input, true),
    target: `${displayName(input)}(${input.columns.join(', ')})`,
    steps: constraintUsingIndexSteps(input, 'UNIQUE', name, server, id),
    // Dropping the constraint drops its index too.
    reverse: [dropConstraintStep(input, name, id)],
    notes: ['The build fails on duplicate values and leaves an INVALID index; fix the data and rerun.'],
  });
}
