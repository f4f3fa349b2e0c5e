import type { Session } from '../db.js';
import { scratchOn } from '../dialects/postgres/compare/scratch.js';
import { UnsafeOperationError } from '../errors.js';
import { qi, requireFragment } from '../ops/shared.js';

interface Conversion {
  /** The option's name, for the message (`using`, `reverseUsing`). */
  readonly option: string;
  readonly expression: string;
  /** The column the expression reads, and its type. */
  readonly column: string;
  readonly type: string;
}

/**
 * While a column is expanded, NULL on one side means NULL on the other: the backfill and the
 * sync trigger read NULL as "not converted yet". A conversion that turns NULL into a value would
 * leave existing NULL rows unconverted and copy the value back into the old column on the next
 * write, so it is refused before any change. Each expression is evaluated once on a NULL of its
 * column's type, in a transaction (or savepoint) that is rolled back.
 */
export async function requireNullPreserving(
  session: Session,
  inTransaction: boolean,
  conversions: readonly Conversion[],
  where: string,
): Promise<void> {
  for (const c of conversions) {
    const expression = requireFragment(where, `${c.option} expression`, c.expression);
    const type = requireFragment(where, 'type', c.type);
    const result = await scratchOn(
      session,
      inTransaction,
    )(() =>
      session
        .query<{ ok: boolean }>(
          `select (${expression}) is null as ok from (select null::${type}) as ballast_row(${qi(c.column)})`,
        )
        .then(
          ([row]) => (row?.ok === true ? 'null' : 'value'),
          (error: unknown) => (error as Error).message,
        ),
    );
    if (result === 'null') continue;
    throw new UnsafeOperationError(
      result === 'value'
        ? `${where}: ${c.option} (${expression}) turns a NULL ${c.column} into a value; while expanded both columns must be NULL together`
        : `${where}: ${c.option} (${expression}) could not be evaluated on ${c.column} ${type}: ${result}`,
      {
        where,
        hint:
          result === 'value'
            ? `make it keep NULL (e.g. CASE WHEN ${qi(c.column)} IS NULL THEN NULL ELSE … END), and fill the NULL rows ` +
              'with a backfill before the expand (on the old column) or after the contract (on the new one)'
            : `fix the ${c.option} expression: it reads the column ${qi(c.column)} of type ${type}`,
      },
    );
  }
}
