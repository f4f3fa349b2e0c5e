import type { Session } from '../../db.js';
import type { TableInfo } from '../../dialects/postgres/introspect.js';
import type { Pager } from './pagers.js';

/** A batch as the transforms see it: which rows, how to find them again, what to write. */
export interface PgBatchContext {
  readonly session: Session;
  readonly info: TableInfo;
  readonly pager: Pager;
  readonly range: ReturnType<Pager['range']>;
  readonly params: unknown[];
  readonly where: string | undefined;
}
