import { UnsafeOperationError } from '../../errors.js';

/**
 * What MySQL/MariaDB can do online, as ONE table of facts per ALTER clause kind, flavour and
 * version. The add-column and create-index planners and the linter's ALGORITHM fix all ask here,
 * so "which ALGORITHM" has one answer (MySQL 8.0 "Online DDL Operations", MariaDB "InnoDB Online
 * DDL Operations"). test/mysql-online-facts.test.ts checks each row against the real server.
 */
export type MysqlFlavor = 'mysql' | 'mariadb';

/** The first version of each flavour with a capability; `null`: no version has it. */
type Since = Readonly<Record<MysqlFlavor, readonly number[] | null>>;

export interface ClauseFacts {
  /** ALGORITHM=INSTANT: a metadata-only change. */
  readonly instant: Since;
  /** ALGORITHM=INPLACE, LOCK=NONE: reads and writes continue while InnoDB works. */
  readonly inplaceLockNone: Since;
  /** When neither applies: what the server must do instead (copy the table, or lock writes). */
  readonly otherwise: string;
}

const NEVER: Since = { mysql: null, mariadb: null };
const ALWAYS: Since = { mysql: [5, 6, 0], mariadb: [10, 0, 0] };

export const MYSQL_ONLINE_DDL = {
  /** ADD COLUMN as the last column (a VIRTUAL generated column too). */
  'add-column': {
    instant: { mysql: [8, 0, 12], mariadb: [10, 3, 2] },
    inplaceLockNone: ALWAYS,
    otherwise: 'a table rebuild',
  },
  /** ADD COLUMN ... FIRST / AFTER x. */
  'add-column-positioned': {
    instant: { mysql: [8, 0, 29], mariadb: [10, 4, 0] },
    inplaceLockNone: ALWAYS,
    otherwise: 'a table rebuild',
  },
  'add-auto-increment-column': {
    instant: NEVER,
    inplaceLockNone: NEVER,
    otherwise: 'a rebuild that blocks writes (LOCK=SHARED at best) while it numbers the rows',
  },
  'add-stored-generated-column': {
    instant: NEVER,
    inplaceLockNone: NEVER,
    otherwise: 'ALGORITHM=COPY: every row is computed into a copy of the table',
  },
  /** ADD [UNIQUE] INDEX / KEY, DROP INDEX (B-tree). */
  'secondary-index': { instant: NEVER, inplaceLockNone: ALWAYS, otherwise: 'a table copy' },
  'fulltext-or-spatial-index': {
    instant: NEVER,
    inplaceLockNone: NEVER,
    otherwise: 'a build that blocks writes (LOCK=SHARED)',
  },
  /** RENAME COLUMN a TO b (MariaDB 10.5.2+, MySQL 8.0.3+ syntax). */
  'rename-column': {
    instant: { mysql: [8, 0, 28], mariadb: [10, 5, 2] },
    inplaceLockNone: { mysql: [8, 0, 3], mariadb: [10, 5, 2] },
    otherwise: 'no RENAME COLUMN: CHANGE COLUMN with the full definition',
  },
  /** DROP COLUMN. */
  'drop-column': {
    instant: { mysql: [8, 0, 29], mariadb: [10, 4, 0] },
    inplaceLockNone: ALWAYS,
    otherwise: 'a table rebuild',
  },
  /** DROP COLUMN of a column some index covers: the index changes too, which INSTANT cannot do. */
  'drop-indexed-column': {
    instant: NEVER,
    inplaceLockNone: ALWAYS,
    otherwise: 'a table rebuild',
  },
  /** MODIFY a column, same type, NULL → NOT NULL: a rebuild in place (strict sql_mode). */
  'set-not-null': {
    instant: NEVER,
    inplaceLockNone: ALWAYS,
    otherwise: 'ALGORITHM=COPY',
  },
  /** ALTER COLUMN c SET DEFAULT / DROP DEFAULT: metadata only. */
  'column-default': {
    instant: { mysql: [8, 0, 12], mariadb: [10, 3, 2] },
    inplaceLockNone: ALWAYS,
    otherwise: 'a table rebuild',
  },
  /**
   * ADD CONSTRAINT … CHECK, where CHECK is enforced (checksEnforced): every row is checked in a copy
   * of the table; MariaDB 10.11 answers INPLACE and INSTANT with "Try ALGORITHM=COPY".
   */
  'add-check': {
    instant: NEVER,
    inplaceLockNone: NEVER,
    otherwise: 'by copying the table (ALGORITHM=COPY), which blocks writes for the whole copy',
  },
  /** MODIFY/CHANGE a column to another data type. */
  'change-column-type': {
    instant: NEVER,
    inplaceLockNone: NEVER,
    otherwise: 'ALGORITHM=COPY: the table is copied row by row',
  },
} as const satisfies Record<string, ClauseFacts>;

export type AlterClauseKind = keyof typeof MYSQL_ONLINE_DDL;
export type OnlineAlgorithm = 'INSTANT' | 'INPLACE';

/** A server as the facts need it: flavour and [major, minor, patch]. */
export interface MysqlCapabilities {
  readonly flavor: MysqlFlavor;
  readonly version: readonly number[];
  /** Read from the table above: ADD COLUMN (last position) with ALGORITHM=INSTANT. */
  readonly instantAddColumn: boolean;
  /** Read from the table above: ADD COLUMN ... FIRST/AFTER with ALGORITHM=INSTANT. */
  readonly instantAddColumnAnyPosition: boolean;
}

export function mysqlCapabilities(flavor: MysqlFlavor, version: readonly number[]): MysqlCapabilities {
  const server = { flavor, version: Object.freeze([...version]) };
  return Object.freeze({
    ...server,
    instantAddColumn: onlineAlgorithm(server, ['add-column']) === 'INSTANT',
    instantAddColumnAnyPosition: onlineAlgorithm(server, ['add-column-positioned']) === 'INSTANT',
  });
}

const atLeast = (v: readonly number[], min: readonly number[]) => {
  for (let i = 0; i < min.length; i++) if ((v[i] ?? 0) !== min[i]) return (v[i] ?? 0) > min[i]!;
  return true;
};

const has = (since: Since, caps: Pick<MysqlCapabilities, 'flavor' | 'version'>) => {
  const min = since[caps.flavor];
  return min !== null && atLeast(caps.version, min);
};

/**
 * CHECK constraints are enforced from MySQL 8.0.16 and MariaDB 10.2.1; before, they are parsed and
 * ignored, so ADD CHECK changes nothing (and checks nothing).
 */
const CHECK_ENFORCED: Since = { mysql: [8, 0, 16], mariadb: [10, 2, 1] };

export const checksEnforced = (caps: Pick<MysqlCapabilities, 'flavor' | 'version'>): boolean =>
  has(CHECK_ENFORCED, caps);

/**
 * The best online algorithm for ALTER clauses run together (the weakest of theirs: one ALTER has
 * one ALGORITHM); undefined when one of them copies the table or blocks writes.
 */
export function onlineAlgorithm(
  caps: Pick<MysqlCapabilities, 'flavor' | 'version'>,
  kinds: readonly AlterClauseKind[],
): OnlineAlgorithm | undefined {
  if (kinds.length === 0) return undefined;
  const facts = kinds.map((k) => MYSQL_ONLINE_DDL[k] as ClauseFacts);
  if (facts.every((f) => has(f.instant, caps))) return 'INSTANT';
  if (facts.every((f) => has(f.inplaceLockNone, caps))) return 'INPLACE';
  return undefined;
}

/** The clauses that make the server refuse instead of silently copying or locking. */
export const onlineClauses = (algorithm: OnlineAlgorithm): string =>
  algorithm === 'INSTANT' ? 'ALGORITHM=INSTANT' : 'ALGORITHM=INPLACE, LOCK=NONE';

/**
 * For a planner: the algorithm of its one clause kind on this server; a kind with no online form
 * is refused, naming what the server would do instead.
 */
export function plannedAlgorithm(
  caps: Pick<MysqlCapabilities, 'flavor' | 'version'>,
  kind: AlterClauseKind,
  where: string,
): OnlineAlgorithm {
  const facts: ClauseFacts = MYSQL_ONLINE_DDL[kind];
  const algorithm = onlineAlgorithm(caps, [kind]);
  if (algorithm) return algorithm;
  throw new UnsafeOperationError(
    `${where}: ${kind} has no online form on MySQL/MariaDB, only ${facts.otherwise}`,
    {
      where,
      hint: 'plan it another way (e.g. a nullable column and a batched backfill), or use an online schema change tool',
    },
  );
}
