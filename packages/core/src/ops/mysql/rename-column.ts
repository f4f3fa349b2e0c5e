import { onlineClauses, plannedAlgorithm } from '../../dialects/mysql/capabilities.js';
import type { MysqlServerInfo } from '../../dialects/mysql/server.js';
import type { TableRef } from '../../dialects/table-ref.js';
import { freezePlan, type Plan } from '../../plan.js';
import { displayName, relationsOf, sqlStep } from '../shared.js';
import { myIdent, myTable } from './alter.js';

/**
 * MySQL/MariaDB: `RENAME COLUMN` with the algorithm the facts table gives (`rename-column`:
 * INSTANT on MariaDB 10.5.2+ / MySQL 8.0.28+, INPLACE with LOCK=NONE on MySQL 8.0.3+): metadata
 * only, the server refuses rather than copy. The application must read the new name from the
 * moment it runs (deploy code that handles both names first). Reverse: the rename back.
 */
export function planRenameColumnMysql(
  input: TableRef & { readonly from: string; readonly to: string },
  server: MysqlServerInfo,
): Plan {
  const target = `${displayName(input)}.${input.from}`;
  const algorithm = plannedAlgorithm(server.capabilities, 'rename-column', target);
  const rename = (from: string, to: string, id: string) =>
    sqlStep({
      id: `rename-column:${displayName(input)}.${from}:${id}`,
      description: `rename ${displayName(input)}.${from} to ${to} (${algorithm}: metadata only)`,
      lock: 'METADATA EXCLUSIVE',
      relations: relationsOf(input),
      transactional: true,
      timeout: 'ddl',
      sql: `ALTER TABLE ${myTable(input)} RENAME COLUMN ${myIdent(from)} TO ${myIdent(to)}, ${onlineClauses(algorithm)}`,
    });
  return freezePlan({
    operation: 'rename-column',
    target,
    steps: [rename(input.from, input.to, 'rename')],
    reverse: [rename(input.to, input.from, 'rename-back')],
    notes: [
      'Queries naming the old column fail from the moment it runs: deploy code that reads both names first.',
    ],
  });
}
