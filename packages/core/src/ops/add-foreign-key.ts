import type { z } from 'zod';
import { anyOf, indexLeadingWith, indexOnTable } from '../dialects/postgres/catalog.js';
import { type PgServerInfo, requireDialect, type ServerInfo } from '../dialects/server.js';
import type { TableRef } from '../dialects/table-ref.js';
import { UnsafeOperationError } from '../errors.js';
import type { ConstraintExpectation } from '../expect.js';
import { freezePlan, type Plan, type SqlStep, type Step } from '../plan.js';
import { addForeignKeyInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { dropConstraintStep, validatedConstraintSteps } from './add-check.js';
import {
  type ConcurrentIndexSpec,
  createIndexConcurrentlyStep,
  defaultIndexName,
  dropIndexConcurrentlyStep,
} from './concurrent-index.js';
import { planAddForeignKeyMysql } from './mysql/add-foreign-key.js';
import {
  defaultName,
  displayName,
  ownerOf,
  qcolumns,
  qtable,
  referentialAction,
  requireIdentifiers,
} from './shared.js';

/** Checked at run time by `addForeignKeyInput` (validate/ops.ts), from which this type comes. */
export type AddForeignKeyInput = z.input<typeof addForeignKeyInput>;

/**
 * Foreign key without blocking writes for a full scan: [index CONCURRENTLY on the referencing
 * columns] → ADD CONSTRAINT ... NOT VALID (SHARE ROW EXCLUSIVE on both tables, instant) →
 * VALIDATE (SHARE UPDATE EXCLUSIVE here, ROW SHARE on the referenced table).
 */
export function planAddForeignKey(args: AddForeignKeyInput, server: ServerInfo): Plan {
  const input = parseArgs(addForeignKeyInput, args, 'planAddForeignKey input');
  const target = `${displayName(input)}(${input.columns.join(', ')})`;
  requireIdentifiers(target, 'referencing column', input.columns);
  requireIdentifiers(target, 'referenced column', input.references.columns);
  if (input.columns.length !== input.references.columns.length) {
    throw new UnsafeOperationError(
      `add foreign key ${target}: ${input.columns.length} columns reference ${input.references.columns.length}`,
      {
        where: target,
        hint: 'give as many referenced columns as referencing columns',
      },
    );
  }
  const name = input.name ?? defaultName([input.table, ...input.columns], 'fkey');
  if (server.dialect === 'mysql') return planAddForeignKeyMysql(input, name, server);
  requireDialect(server, 'postgres', 'planAddForeignKey');
  const id = `add-foreign-key:${displayName(input)}.${name}`;
  const { definition, expects } = foreignKeyDefinition(input, name, input.columns, input.references, {
    onDelete: input.onDelete,
    onUpdate: input.onUpdate,
  });
  const indexSpec = { table: input.table, schema: input.schema, columns: input.columns };
  const withIndex = input.index !== false;
  const steps: Step[] = [
    ...(withIndex ? [referencingIndexStep(indexSpec, server, id)] : []),
    ...validatedConstraintSteps(input, name, definition, id, 'SHARE ROW EXCLUSIVE', expects, [
      input.references,
    ]),
  ];
  return freezePlan({
    operation: 'add-foreign-key',
    requires: [
      ...ownerOf(input, input.index !== false),
      { privilege: 'references', table: input.references },
    ],
    target,
    steps,
    reverse: [
      dropConstraintStep(input, name, id),
      ...(withIndex
        ? [dropIndexConcurrentlyStep({ name: defaultIndexName(indexSpec), schema: input.schema }, id)]
        : []),
    ],
    notes: [
      'VALIDATE fails if existing rows reference missing keys: fix them and rerun (new writes are already checked).',
      ...(withIndex
        ? []
        : ['No index on the referencing columns: deletes on the referenced table will scan this table.']),
    ],
  });
}

/**
 * `FOREIGN KEY (...) REFERENCES ...` as SQL for the step, and as data for the comparison with an
 * existing constraint of that name (expect.ts). Actions not given are left to the server (NO ACTION).
 */
export function foreignKeyDefinition(
  ref: TableRef,
  name: string,
  columns: readonly string[],
  references: TableRef & { readonly columns: readonly string[] },
  actions: { readonly onDelete?: string | undefined; readonly onUpdate?: string | undefined },
): { definition: string; expects: ConstraintExpectation } {
  const where = `${displayName(ref)}.${name}`;
  const onDelete = actions.onDelete ? referentialAction(where, actions.onDelete) : undefined;
  const onUpdate = actions.onUpdate ? referentialAction(where, actions.onUpdate) : undefined;
  const definition =
    `FOREIGN KEY (${qcolumns(columns)}) REFERENCES ${qtable(references)} (${qcolumns(references.columns)})` +
    `${onDelete ? ` ON DELETE ${onDelete}` : ''}${onUpdate ? ` ON UPDATE ${onUpdate}` : ''}`;
  return {
    definition,
    expects: {
      kind: 'foreign-key',
      table: ref.table,
      schema: ref.schema,
      name,
      columns,
      references,
      onDelete: onDelete?.toLowerCase() ?? 'no action',
      onUpdate: onUpdate?.toLowerCase() ?? 'no action',
    },
  };
}

/**
 * The index on the referencing columns, unless one already serves them: any valid btree index
 * whose leading key columns are exactly these makes the step already-done (checked at run time by
 * the step's `done` query, so the planner stays pure), instead of building a duplicate that costs
 * every write on the table. Its own name, valid, still counts too.
 */
function referencingIndexStep(spec: ConcurrentIndexSpec, server: PgServerInfo, id: string): SqlStep {
  const step = createIndexConcurrentlyStep(spec, server, id);
  const keyColumns = server.capabilities.indexIncludeColumns ? 'indnkeyatts' : 'indnatts';
  return {
    ...step,
    description: `${step.description} (already done if an index leads with these columns)`,
    done: anyOf(
      indexOnTable(spec, defaultIndexName(spec), 'valid'),
      indexLeadingWith(spec, spec.columns, keyColumns),
    ),
  };
}
