import type { z } from 'zod';
import type { Dialect } from '../db.js';
import type { CatalogProbe } from '../dialects/postgres/catalog.js';
import type { ServerInfo } from '../dialects/server.js';
import { type BackfillStep, freezePlan, type LockMode, type Plan } from '../plan.js';
import { backfillInput } from '../validate/ops.js';
import { parseArgs } from '../validate/parse.js';
import { displayName, requireFragment, requireIdentifiers } from './shared.js';

/** Checked at run time by `backfillInput` (validate/ops.ts), from which this type comes. */
export type BackfillInput = z.input<typeof backfillInput>;

/**
 * The one way a backfill step is built (planBackfill, and add-column for a volatile default):
 * a batched UPDATE run by core/backfill — keyset batches, each its own short transaction holding
 * row locks only, resumable from its checkpoint — never one long UPDATE of the whole table.
 */
export function backfillStep(
  input: BackfillInput,
  id: string,
  details: {
    readonly description?: string;
    readonly done?: CatalogProbe;
    readonly lock?: LockMode;
    /** Whose quoting the SET and WHERE fragments are checked by. Default postgres. */
    readonly dialect?: Dialect;
  } = {},
): BackfillStep {
  const target = `${displayName(input)}(${Object.keys(input.set).join(', ')})`;
  const { set, where } = checkedBackfillSql(input, {
    setRequired: true,
    dialect: details.dialect ?? 'postgres',
  });
  return {
    kind: 'backfill',
    id,
    description:
      details.description ??
      `fill ${target} on existing rows in small batches, each its own short transaction`,
    lock: details.lock ?? 'ROW EXCLUSIVE',
    transactional: false,
    timeout: 'long',
    backfill: {
      table: input.table,
      ...(input.schema ? { schema: input.schema } : {}),
      set,
      ...(where ? { where } : {}),
    },
    ...(details.done ? { done: details.done } : {}),
  };
}

/**
 * The SET expressions and WHERE of a backfill, each one SQL fragment (requireFragment), trimmed.
 * Every entry point goes through here: the planners and a direct `runBackfill` call alike.
 * `setRequired: false` where a JS transform may stand in for the SET expressions.
 */
export function checkedBackfillSql(
  spec: Pick<BackfillInput, 'table' | 'schema' | 'set' | 'where'>,
  options: { readonly setRequired: boolean; readonly dialect: Dialect },
): { set: Record<string, string>; where: string | undefined } {
  const target = `${displayName(spec)}(${Object.keys(spec.set).join(', ')})`;
  if (options.setRequired) requireIdentifiers(target, 'column to set', Object.keys(spec.set));
  const set = Object.fromEntries(
    Object.entries(spec.set).map(([column, sql]) => [
      column,
      requireFragment(target, 'SET expression', sql, options.dialect),
    ]),
  );
  const where =
    spec.where === undefined
      ? undefined
      : requireFragment(target, 'WHERE condition', spec.where, options.dialect);
  return { set, where };
}

/**
 * A plan of one batched backfill of existing rows. No reverse: the old values are not kept. The
 * batches are the store's (backfill/pg, backfill/mysql); on InnoDB they hold row locks and the
 * table's shared metadata lock only.
 */
export function planBackfill(args: BackfillInput, server: ServerInfo): Plan {
  const input = parseArgs(backfillInput, args, 'planBackfill input');
  const target = `${displayName(input)}(${Object.keys(input.set).join(', ')})`;
  return freezePlan({
    operation: 'backfill',
    requires: [{ privilege: 'update', table: input }],
    target,
    steps: [
      backfillStep(
        input,
        `backfill:${target}`,
        server.dialect === 'mysql' ? { lock: 'METADATA SHARED', dialect: 'mysql' } : {},
      ),
    ],
    reverse: [],
    notes: [
      'Rows inserted after the backfill starts are not visited: the application (or a default or trigger) must write the new value for new rows first.',
    ],
  });
}
