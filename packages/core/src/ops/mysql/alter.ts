import {
  type AlterClauseKind,
  type MysqlCapabilities,
  onlineClauses,
  plannedAlgorithm,
} from '../../dialects/mysql/capabilities.js';
import { mysqlIndexMissing } from '../../dialects/mysql/compare/probes.js';
import { quoteIdent, quoteTable } from '../../dialects/quote.js';
import type { TableRef } from '../../dialects/table-ref.js';
import type { Expectation } from '../../expect.js';
import type { LockMode, SqlStep, TimeoutPolicy, UndoSpec } from '../../plan.js';
import { displayName, relationsOf, sqlStep } from '../shared.js';

/** MySQL/MariaDB quoting of the planners' names (`db`.`table`, `column`). */
export const myTable = (ref: TableRef) => quoteTable('mysql', ref);
export const myIdent = (name: string) => quoteIdent('mysql', name);
export const myColumns = (columns: readonly string[]) => columns.map(myIdent).join(', ');

/** A server as the facts table needs it (ServerInfo's `capabilities` on MySQL). */
export type Caps = Pick<MysqlCapabilities, 'flavor' | 'version'>;

/**
 * One ALTER TABLE with the algorithm the facts table (dialects/mysql/capabilities.ts) gives its
 * clause `kind` on this server stated: the server then refuses (error 1845/1846) instead of
 * silently copying the table or blocking writes, and a kind with no online form is refused at
 * planning. `foreign-key`: MariaDB's in-place add with foreign_key_checks=0 for the statement
 * (add-foreign-key.ts; the facts table describes statements without that prefix), and its drop.
 * Reads and writes continue while it runs; only its start and end take the table's metadata lock
 * briefly, bounded by lock_wait_timeout and retried by the runner.
 */
export function onlineAlterStep(step: {
  readonly kind: AlterClauseKind | 'foreign-key';
  readonly caps: Caps;
  readonly id: string;
  readonly description: string;
  readonly table: TableRef;
  /** e.g. `ADD UNIQUE INDEX \`x\` (\`a\`)`, already quoted. */
  readonly clause: string;
  readonly timeout: TimeoutPolicy;
  /** Prefix such as MariaDB's `SET STATEMENT foreign_key_checks=0 FOR `. */
  readonly prefix?: string;
  readonly lock?: LockMode;
  readonly relations?: readonly TableRef[];
  readonly undoOnFailure?: UndoSpec;
  /** Whether its effect is in place, and the object as asked (compared before the run: expect.ts). */
  readonly done?: SqlStep['done'];
  readonly expects?: Expectation;
}): SqlStep {
  return sqlStep({
    id: step.id,
    description: step.description,
    lock: step.lock ?? 'METADATA SHARED',
    relations: relationsOf(...(step.relations ?? [step.table])),
    // The runner refuses it inside a caller's transaction (MySQL's DDL commits it).
    transactional: true,
    timeout: step.timeout,
    sql: `${step.prefix ?? ''}ALTER TABLE ${myTable(step.table)} ${step.clause}, ${onlineClauses(
      step.kind === 'foreign-key'
        ? 'INPLACE'
        : plannedAlgorithm(step.caps, step.kind, `${displayName(step.table)}: ${step.clause}`),
    )}`,
    ...(step.undoOnFailure ? { undoOnFailure: step.undoOnFailure } : {}),
    ...(step.done ? { done: step.done } : {}),
    ...(step.expects ? { expects: step.expects } : {}),
  });
}

/** DROP INDEX in place: metadata only on InnoDB, writes continue. */
export const dropIndexStep = (table: TableRef, name: string, id: string, caps: Caps): SqlStep =>
  onlineAlterStep({
    kind: 'secondary-index',
    caps,
    id,
    description: `drop index ${name} of ${displayName(table)} in place: reads and writes continue`,
    table,
    clause: `DROP INDEX ${myIdent(name)}`,
    timeout: 'ddl',
    done: mysqlIndexMissing(table, name),
  });
