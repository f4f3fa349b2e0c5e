import type { Session } from '../../../db.js';
import type { Expectation } from '../../../expect.js';
import type { Conflict } from '../../postgres/compare/types.js';
import { compareMysqlColumn } from './column.js';
import { compareMysqlForeignKey } from './foreign-key.js';
import { compareMysqlIndex } from './index-def.js';

/**
 * MySQL/MariaDB's "already done" comparison (the runtime's `findConflict`): what a step expects
 * against what information_schema has under that name. Kinds no MySQL plan creates (CHECK,
 * NOT NULL and PRIMARY KEY constraints) have nothing to compare yet.
 */
export function findMysqlConflict(session: Session, e: Expectation): Promise<Conflict | undefined> {
  switch (e.kind) {
    case 'column':
      return compareMysqlColumn(session, e);
    case 'index':
    case 'unique':
      return compareMysqlIndex(session, e);
    case 'foreign-key':
      return compareMysqlForeignKey(session, e);
    default:
      return Promise.resolve(undefined);
  }
}
