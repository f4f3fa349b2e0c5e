/**
 * What a file has done so far, updated after each statement: tables and indexes it created,
 * transaction state, session settings, NOT NULL checks it validated. Rules read it through
 * LintContext; only this file writes it.
 */
import type { AlterTableCmd, Node } from 'libpg-query';
import { nodeOf, nodesOf, relationName, stringsOf } from './pg-ast.js';
import type { LintContext, LintOptions, Statement } from './types.js';

/** Zones with a zero offset and no daylight saving: what PostgreSQL's no-rewrite check accepts. */
const UTC_ZONES = /^(utc|etc\/utc|gmt|etc\/gmt|universal|etc\/universal|zulu|z|0|\+00:?00|utc0)$/i;

const bare = (name: string) => name.split('.').pop() ?? name;

export class FileContext implements LintContext {
  private readonly tables = new Set<string>();
  private readonly indexes = new Set<string>();
  /** Key columns of plain btree indexes the file created, per table (bare name). */
  private readonly indexColumns: Array<{ table: string; columns: readonly string[] }> = [];
  private readonly pendingChecks = new Map<string, string>();
  private readonly validated = new Set<string>();
  readonly enumsTouched = new Set<string>();
  explicitTransaction = false;
  /** Knex/--assume-in-transaction: the file's own COMMIT ended the tool's transaction. */
  private runnerEnded = false;
  /** Numbers transactions: bumped at every BEGIN and COMMIT/ROLLBACK. */
  private transactionSerial = 0;
  /** `table.constraint` added NOT VALID → the transaction it was added in. */
  private readonly notValidAdded = new Map<string, number>();
  /** Table renames made inside a transaction: old name → the rename's statement and transaction. */
  private readonly renamesInTransaction = new Map<
    string,
    { to: string; statement: number; serial: number }
  >();
  lockTimeoutSet = false;
  timeZoneUtc = false;
  foreignKeyChecksOff = false;

  constructor(
    readonly options: LintOptions,
    private readonly statementCount: number,
  ) {}

  get inTransaction(): boolean {
    return this.explicitTransaction || this.runnerTransaction;
  }

  /**
   * The tool's own transaction is open. A COMMIT in a wrapped file ends it for good (what follows
   * autocommits until the next BEGIN); in Prisma's multi-statement query the statements after a
   * COMMIT start a new implicit transaction.
   */
  get runnerTransaction(): boolean {
    if (this.options.transaction === 'implicit') return this.statementCount > 1;
    return this.options.transaction === 'wrapped' && !this.runnerEnded;
  }

  /** `constraint` was added NOT VALID on `table` in the transaction still open. */
  addedNotValidInThisTransaction(table: string, constraint: string): boolean {
    return (
      this.inTransaction && this.notValidAdded.get(`${bare(table)}.${constraint}`) === this.transactionSerial
    );
  }

  isNewTable(table: string): boolean {
    return this.tables.has(table) || this.tables.has(bare(table));
  }

  isNewIndex(index: string): boolean {
    return this.indexes.has(index) || this.indexes.has(bare(index));
  }

  /** The file created a plain (btree, not partial) index whose key columns start with `columns`. */
  hasIndexLeadingWith(table: string, columns: readonly string[]): boolean {
    return this.indexColumns.some(
      (i) => i.table === bare(table) && columns.every((c, n) => i.columns[n] === c),
    );
  }

  hasValidatedNotNullCheck(table: string, column: string): boolean {
    return this.options.pgVersion >= 12 && this.validated.has(`${bare(table)}.${column}`);
  }

  /**
   * `CREATE VIEW old AS SELECT … FROM new` in the transaction that renamed table old to new: the
   * old name keeps working for running code (a simple view is updatable), so the rename is the
   * safe, well-known pattern. Returns the rename's statement index.
   */
  compatibilityViewFor(s: Statement): number | undefined {
    const view = s.dialect === 'postgres' ? nodeOf(s.node, 'ViewStmt') : undefined;
    if (!view || !this.inTransaction) return undefined;
    const rename = this.renamesInTransaction.get(bare(relationName(view.view)));
    if (!rename || rename.serial !== this.transactionSerial) return undefined;
    const from = nodesOf(nodeOf(view.query, 'SelectStmt')?.fromClause, 'RangeVar');
    return from.some((r) => bare(relationName(r)) === rename.to) ? rename.statement : undefined;
  }

  /** Record the effects of `s` for the statements after it. */
  after(s: Statement): void {
    if (s.dialect === 'postgres') this.afterPg(s.node, s.index);
    else this.afterMysql(s.ast);
  }

  private afterPg(node: Node, statement: number): void {
    const rename = nodeOf(node, 'RenameStmt');
    if (
      (rename?.renameType === 'OBJECT_TABLE' || rename?.renameType === 'OBJECT_VIEW') &&
      rename.newname &&
      this.inTransaction
    )
      this.renamesInTransaction.set(bare(relationName(rename.relation)), {
        to: rename.newname,
        statement,
        serial: this.transactionSerial,
      });
    const create = nodeOf(node, 'CreateStmt');
    if (create) this.tables.add(relationName(create.relation));
    const createAs = nodeOf(node, 'CreateTableAsStmt');
    if (createAs) this.tables.add(relationName(createAs.into?.rel));
    // Sequences share the relations' namespace; one created here has no users yet.
    const sequence = nodeOf(node, 'CreateSeqStmt');
    if (sequence) this.tables.add(relationName(sequence.sequence));
    const index = nodeOf(node, 'IndexStmt');
    if (index?.idxname) this.indexes.add(index.idxname);
    const method = index?.accessMethod ?? 'btree';
    if (index && method === 'btree' && !index.whereClause) {
      const columns = nodesOf(index.indexParams, 'IndexElem').map((e) => e.name ?? '');
      if (columns.every(Boolean))
        this.indexColumns.push({ table: bare(relationName(index.relation)), columns });
    }
    const enumType = nodeOf(node, 'CreateEnumStmt');
    if (enumType) this.enumsTouched.add(stringsOf(enumType.typeName).join('.'));
    const tx = nodeOf(node, 'TransactionStmt');
    if (tx?.kind === 'TRANS_STMT_BEGIN' || tx?.kind === 'TRANS_STMT_START') {
      // BEGIN inside the tool's transaction only warns: the same transaction goes on.
      if (!this.inTransaction) this.transactionSerial++;
      this.explicitTransaction = true;
    }
    if (tx?.kind === 'TRANS_STMT_COMMIT' || tx?.kind === 'TRANS_STMT_ROLLBACK') {
      if (this.options.transaction === 'wrapped') this.runnerEnded = true;
      this.transactionSerial++;
      this.explicitTransaction = false;
      this.enumsTouched.clear();
    }
    const set = nodeOf(node, 'VariableSetStmt');
    if (set?.name === 'timezone') {
      const zone = nodesOf(set.args, 'A_Const')[0];
      const text = String(zone?.sval?.sval ?? zone?.ival?.ival ?? '');
      this.timeZoneUtc = set.kind === 'VAR_SET_VALUE' && UTC_ZONES.test(text.trim());
    }
    if (set?.name === 'lock_timeout') {
      const value = nodesOf(set.args, 'A_Const')[0];
      this.lockTimeoutSet = !(value?.ival?.ival === 0 || value?.sval?.sval === '0');
    }
    const alter = nodeOf(node, 'AlterTableStmt');
    if (alter) this.trackChecks(relationName(alter.relation), nodesOf(alter.cmds, 'AlterTableCmd'));
  }

  /** `CHECK (col IS NOT NULL) NOT VALID` then `VALIDATE CONSTRAINT`: PG 12+ SET NOT NULL skips its scan. */
  private trackChecks(table: string, cmds: readonly AlterTableCmd[]): void {
    for (const cmd of cmds) {
      const con = cmd.subtype === 'AT_AddConstraint' ? nodeOf(cmd.def, 'Constraint') : undefined;
      if (con?.skip_validation && con.conname)
        this.notValidAdded.set(`${bare(table)}.${con.conname}`, this.transactionSerial);
      const test = nodeOf(con?.raw_expr, 'NullTest');
      if (con?.contype === 'CONSTR_CHECK' && test?.nulltesttype === 'IS_NOT_NULL') {
        const column = stringsOf(nodeOf(test.arg, 'ColumnRef')?.fields).pop() ?? '';
        const key = `${bare(table)}.${column}`;
        if (con.skip_validation && con.conname) this.pendingChecks.set(con.conname, key);
        else this.validated.add(key);
      }
      if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name) {
        const key = this.pendingChecks.get(cmd.name);
        if (key) this.validated.add(key);
      }
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: node-sql-parser ASTs are loosely typed JSON
  private afterMysql(ast: any): void {
    if (ast?.type === 'create' && ast.keyword === 'table') {
      for (const t of ast.table ?? []) if (t?.table) this.tables.add(String(t.table));
    }
    if (ast?.type === 'create' && ast.keyword === 'index' && ast.index) this.indexes.add(String(ast.index));
    if (ast?.type === 'transaction') {
      const action = String(ast.expr?.action?.value ?? '').toLowerCase();
      this.explicitTransaction = action === 'start' || action === 'begin';
    }
    if (ast?.type === 'set') {
      for (const e of ast.expr ?? []) {
        const name = String(e?.left?.name ?? '').toLowerCase();
        if (name === 'foreign_key_checks') this.foreignKeyChecksOff = Number(e.right?.value) === 0;
        if (name === 'lock_wait_timeout' || name === 'innodb_lock_wait_timeout') this.lockTimeoutSet = true;
      }
    }
  }
}
