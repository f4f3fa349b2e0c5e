import { InvalidArgumentError } from '../../errors.js';
import { freezePlan, type Plan } from '../../plan.js';
import type { DropIndexInput } from '../drop-index.js';
import { displayName } from '../shared.js';
import { type Caps, dropIndexStep } from './alter.js';

/**
 * MySQL/MariaDB: `ALTER TABLE … DROP INDEX …, ALGORITHM=INPLACE, LOCK=NONE`. Index names are
 * per table there, so the table must be named. Irreversible, like the PostgreSQL plan.
 */
export function planDropIndexMysql(input: DropIndexInput, caps: Caps): Plan {
  if (!input.table) {
    throw new InvalidArgumentError([
      {
        argument: `planDropIndex ${input.name}: table`,
        given: 'none',
        allowed: 'the table of the index: MySQL/MariaDB index names are per table (e.g. { name, table })',
      },
    ]);
  }
  const table = { table: input.table, schema: input.schema };
  const target = `${displayName(table)}.${input.name}`;
  return freezePlan({
    operation: 'drop-index',
    target,
    steps: [dropIndexStep(table, input.name, `drop-index:${target}`, caps)],
    reverse: [],
    notes: ['An index a foreign key needs cannot be dropped: drop the foreign key first.'],
  });
}
