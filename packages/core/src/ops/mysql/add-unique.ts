import { mysqlIndexExists } from '../../dialects/mysql/compare/probes.js';
import { freezePlan, type Plan } from '../../plan.js';
import type { AddUniqueInput } from '../add-unique.js';
import { defaultName, displayName } from '../shared.js';
import { type Caps, dropIndexStep, myColumns, myIdent, onlineAlterStep } from './alter.js';

/**
 * MySQL/MariaDB: a UNIQUE constraint is a unique index, built online
 * (`ALGORITHM=INPLACE, LOCK=NONE`: concurrent writes continue; a duplicate, existing or written
 * during the build, fails the ALTER and leaves nothing behind). Reverse: drop the index.
 */
export function planAddUniqueMysql(input: AddUniqueInput, caps: Caps): Plan {
  const name = input.name ?? defaultName([input.table, ...input.columns], 'key');
  const id = `add-unique:${displayName(input)}.${name}`;
  return freezePlan({
    operation: 'add-unique',
    target: `${displayName(input)}(${input.columns.join(', ')})`,
    steps: [
      onlineAlterStep({
        kind: 'secondary-index',
        caps,
        id: `${id}:add`,
        description: `build unique index ${name} in place: reads and writes continue (LOCK=NONE)`,
        table: input,
        clause: `ADD CONSTRAINT ${myIdent(name)} UNIQUE (${myColumns(input.columns)})`,
        timeout: 'long',
        done: mysqlIndexExists(input, name),
        expects: { kind: 'unique', table: input.table, schema: input.schema, name, columns: input.columns },
      }),
    ],
    reverse: [dropIndexStep(input, name, `${id}:drop`, caps)],
    notes: ['The build fails on duplicate values (existing or written meanwhile); fix the data and rerun.'],
  });
}
