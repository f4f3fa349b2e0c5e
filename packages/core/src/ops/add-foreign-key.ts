import { anyOf, indexLeadingWith, indexOnTable, type TableRef } from '../dialects/pg-catalog.js';
import type { ServerInfo } from '../dialects/server.js';
import { UnsafeOperationError } from '../errors.js';
import {
  type ConcurrentIndexSpec,
  createIndexConcurrentlyStep,
  defaultIndexName,
  dropIndexConcurrentlyStep,
} from '../index/concurrent-index.js';
import { freezePlan, type Plan, type SqlStep, type Step } from '../plan.js';
import { dropConstraintStep, validatedConstraintSteps } from './add-check.js';
import {
  defaultName,
  displayName,
  qcolumns,
  qtable,
  referentialAction,
  requireIdentifiers,
} from './shared.js';

export interface AddForeignKeyInput extends TableRef {
  readonly columns: readonly string[];
  readonly references: TableRef & { readonly columns: readonly string[] };
  /** Default `<table>_<columns>_fkey`. */
  readonly name?: string;
  readonly onDelete?: string;
  readonly onUpdate?: string;
  /** Build an index on the referencing columns first (CONCURRENTLY). Default true: deletes and
   * updates on the referenced table otherwise scan this table for every row. */
  readonly index?: boolean;
}

/**
 * Foreign key without blocking writes for a full scan: [index CONCURRENTLY on the referencing
 * columns] → ADD CONSTRAINT ... NOT VALID (SHARE ROW EXCLUSIVE on both tables, instant) →
 * VALIDATE (SHARE UPDATE EXCLUSIVE here, ROW SHARE on the referenced table).
 */
export function planAddForeignKey(input: AddForeignKeyInput, server: ServerInfo): Plan {
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
  const id = `add-foreign-key:${displayName(input)}.${name}`;
  const actions = [
    input.onDelete ? ` ON DELETE ${referentialAction(target, input.onDelete)}` : '',
    input.onUpdate ? ` ON UPDATE ${referentialAction(target, input.onUpdate)}` : '',
  ].join('');
  const definition = `FOREIGN KEY (${qcolumns(input.columns)}) REFERENCES ${qtable(input.references)} (${qcolumns(input.references.columns)})${actions}`;
  const indexSpec = { table: input.table, schema: input.schema, columns: input.columns };
  const withIndex = input.index !== false;
  const steps: Step[] = [
    ...(withIndex ? [referencingIndexStep(indexSpec, server, id)] : []),
    ...validatedConstraintSteps(input, name, definition, id, 'SHARE ROW EXCLUSIVE', [input.references]),
  ];
  return freezePlan({
    operation: 'add-foreign-key',
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
 * The index on the referencing columns, unless one already serves them: any valid btree index
 * whose leading key columns are exactly these makes the step already-done (checked at run time by
 * the step's `done` query, so the planner stays pure), instead of building a duplicate that costs
 * every write on the table. Its own name, valid, still counts too.
 */
function referencingIndexStep(spec: ConcurrentIndexSpec, server: ServerInfo, id: string): SqlStep {
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
