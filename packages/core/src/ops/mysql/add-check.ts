import { MYSQL_ONLINE_DDL } from '../../dialects/mysql/capabilities.js';
import { UnsupportedServerError } from '../../errors.js';
import type { AddCheckInput } from '../add-check.js';
import { displayName } from '../shared.js';

/**
 * MySQL/MariaDB check every row of a new CHECK constraint by copying the table (the facts:
 * dialects/mysql/capabilities.ts, 'add-check'), and have no NOT VALID + VALIDATE split: there is
 * no safe plan.
 */
export function refuseAddCheckMysql(input: AddCheckInput): never {
  const where = `${displayName(input)}.${input.name}`;
  throw new UnsupportedServerError(
    `add check ${where}: MySQL/MariaDB can only add a CHECK constraint ${MYSQL_ONLINE_DDL['add-check'].otherwise}`,
    {
      where,
      hint: 'enforce the rule in the application (or in a BEFORE INSERT/UPDATE trigger), or add the CHECK in a maintenance window with an online copy tool such as pt-online-schema-change',
    },
  );
}
