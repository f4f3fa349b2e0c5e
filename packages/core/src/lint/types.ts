/**
 * The linter's vocabulary: a parsed statement, the context every rule sees, what a rule reports.
 * Rules are pure functions of (context, statement); nothing here touches a database.
 */

import type { Node as PgNode } from 'libpg-query';
import type { KnownColumns } from './schema-columns.js';

export type Severity = 'error' | 'warning' | 'info';
export type LintDialect = 'postgres' | 'mysql';

export interface MysqlServer {
  readonly flavor: 'mysql' | 'mariadb';
  /** [major, minor, patch] */
  readonly version: readonly [number, number, number];
}

export interface LintOptions {
  readonly dialect: LintDialect;
  /** PostgreSQL major version the migration will run on (default 15). */
  readonly pgVersion: number;
  readonly mysql: MysqlServer;
  /**
   * How the tool running the file uses transactions:
   * - `none`: each statement on its own (psql, most runners) unless the file says BEGIN;
   * - `wrapped`: the whole file in one transaction (Knex by default, `--assume-in-transaction`);
   * - `implicit`: sent as one multi-statement query, which PostgreSQL runs as one implicit
   *   transaction when it holds more than one statement (Prisma's migration.sql).
   */
  readonly transaction: 'none' | 'wrapped' | 'implicit';
  /** Convenience: transaction !== 'none'. */
  readonly assumeInTransaction: boolean;
  /** The columns before the file runs (`--schema`, readSchema): type changes are judged against them. */
  readonly knownColumns?: KnownColumns;
}

interface StatementBase {
  /** 0-based position in the file. */
  readonly index: number;
  /** The statement's text, without the trailing semicolon. */
  readonly sql: string;
  /** 1-based line and column of the statement's first token. */
  readonly line: number;
  readonly column: number;
  /** Character offset of the first token in the file. */
  readonly offset: number;
}

export interface PgStatement extends StatementBase {
  readonly dialect: 'postgres';
  readonly node: PgNode;
  /** UTF-8 byte offset to add to `location` fields inside `node` (non-zero when parsed piecewise). */
  readonly byteBase: number;
}

/** node-sql-parser's AST is untyped JSON; `recognized` marks statements read by our fallback. */
export interface MysqlStatement extends StatementBase {
  readonly dialect: 'mysql';
  // biome-ignore lint/suspicious/noExplicitAny: node-sql-parser ASTs are loosely typed JSON
  readonly ast: any;
  /**
   * Run by another statement of the file: a procedure body's statement (at its CALL) or a string
   * it PREPAREs and EXECUTEs (mysql-embedded.ts). Linted, never rewritten by a fix.
   */
  readonly embedded?: 'routine' | 'prepared';
}

export type Statement = PgStatement | MysqlStatement;

/** What the file did before the current statement: rules use it for exemptions. */
export interface LintContext {
  readonly options: LintOptions;
  /** True while the statement runs inside a transaction (explicit BEGIN or assumed). */
  readonly inTransaction: boolean;
  /** The file itself opened the transaction with BEGIN. */
  readonly explicitTransaction: boolean;
  /** The migration tool's own transaction is open (wrapped, or Prisma's implicit one). */
  readonly runnerTransaction: boolean;
  /** `constraint` was added NOT VALID on `table` earlier in the transaction still open. */
  addedNotValidInThisTransaction(table: string, constraint: string): boolean;
  /** Indexes created earlier in the same file. */
  isNewIndex(index: string): boolean;
  /** MySQL: `SET foreign_key_checks = 0` is in effect. */
  readonly foreignKeyChecksOff: boolean;
  /** Tables created earlier in the same file: changing them cannot block anyone. */
  isNewTable(table: string): boolean;
  /** The file set the session TimeZone to UTC (`SET TIME ZONE 'UTC'`), and has not reset it. */
  readonly timeZoneUtc: boolean;
  /** A `SET lock_timeout` (or MySQL `lock_wait_timeout`) ran earlier in the file. */
  readonly lockTimeoutSet: boolean;
  /**
   * A `CHECK (column IS NOT NULL)` was added NOT VALID and validated earlier in the file, and the
   * server (PostgreSQL 12+) uses it to skip the SET NOT NULL scan.
   */
  hasValidatedNotNullCheck(table: string, column: string): boolean;
  /** Enum types created or extended earlier in this transaction (PG < 12 restriction). */
  readonly enumsTouched: ReadonlySet<string>;
}

/** What a rule's check returns; the engine adds rule id, severity and position. */
export interface RuleReport {
  /** Message text rendered from the rule's template, with the user's names. */
  readonly message: string;
  /** The complete safe alternative, as text to copy. */
  readonly help: string;
}

/**
 * What `--fix` does about a rule's findings: `planned` — the statement is replaced by the plans
 * core/translate makes for it (statements no planner covers keep the finding); `text` — the rule's
 * `prelude` statement is written at the top of the file; `none` — no automatic fix, the help says
 * what to do.
 */
export type RuleFix =
  | { readonly fix: 'planned' | 'none' }
  | {
      readonly fix: 'text';
      /** The statement (without semicolon) that resolves the rule's findings for the whole file. */
      prelude(dialect: LintDialect): string;
    };

export type Rule = RuleBase & RuleFix;

interface RuleBase {
  /** Kebab-case sentence, e.g. `require-concurrent-index-creation`. */
  readonly id: string;
  readonly severity: Severity;
  readonly dialects: readonly LintDialect[];
  /** Report only the first occurrence in a file (settings that apply to the whole file). */
  readonly oncePerFile?: boolean;
  /** One line: what the rule prevents. The full page is docs/rules/<id>.md. */
  readonly docs: string;
  check(ctx: LintContext, statement: Statement): RuleReport | readonly RuleReport[] | undefined;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly help: string;
  /** The safe SQL replacing the offending statement, planned by core/ops. */
  readonly fix?: string;
}

export interface FileReport {
  readonly path: string;
  readonly findings: readonly Finding[];
}
