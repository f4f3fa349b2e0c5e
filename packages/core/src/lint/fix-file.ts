/**
 * `--fix`: a file rewritten with each fixable statement replaced by its planned steps.
 * Placement follows the runner's rule that a plan's steps each run in their own transaction:
 * - outside any transaction: the steps replace the statement, in order;
 * - inside the file's own BEGIN … COMMIT: a one-step transactional plan stays in place; any other
 *   plan moves right after that COMMIT (CONCURRENTLY cannot run inside, and VALIDATE must not
 *   share a transaction with the lock the ADD took);
 * - inside the tool's transaction (Prisma, Knex): such plans cannot stay in this file at all;
 *   they are returned in `outside`, one statement per entry, for the caller to place in
 *   migrations of their own (a Prisma migration holding one statement runs outside a transaction).
 */

import { type LintResult, lintText } from './engine.js';
import type { FixedStatement, FixedStep } from './fix.js';
import { nodeOf } from './pg-ast.js';
import { RULES_BY_ID } from './rules/index.js';
import { LOCK_TIMEOUT_SQL } from './session-sql.js';
import type { Finding, LintOptions, Rule } from './types.js';

export interface FixedFile {
  readonly text: string;
  /** Statements that must run outside any transaction, in order, after this file. */
  readonly outside: readonly string[];
  /** How many statements were replaced. */
  readonly fixed: number;
  /** The findings the rewrite resolves (planned replacements and text fixes), in file order. */
  readonly resolved: readonly Finding[];
}

const render = (steps: FixedStatement['steps']) =>
  steps.map((s) => `${s.sql.replace(/;\s*$/, '')};`).join('\n');

export function renderFixedFile(result: LintResult, text: string): FixedFile {
  const { statements } = result.parsed;
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const outside: string[] = [];
  let afterCommit: string[] = [];
  let explicit = false;
  for (const s of statements) {
    const end = statementEnd(text, s.offset, s.sql);
    if (s.dialect === 'postgres') {
      const tx = nodeOf(s.node, 'TransactionStmt')?.kind;
      if (tx === 'TRANS_STMT_BEGIN' || tx === 'TRANS_STMT_START') explicit = true;
      if ((tx === 'TRANS_STMT_COMMIT' || tx === 'TRANS_STMT_ROLLBACK') && explicit) {
        explicit = false;
        if (afterCommit.length) edits.push({ start: end, end, text: `\n\n${afterCommit.join('\n')}` });
        afterCommit = [];
      }
    }
    const fix = result.fixes.get(s.index);
    if (!fix) continue;
    const oneStep = fix.steps.length === 1;
    const staysInTransaction = oneStep && fix.steps[0]!.transactional;
    const mode = result.options.transaction;
    // A Prisma file holding one statement is not run in a transaction: it may keep one step.
    const toolTransaction =
      mode === 'wrapped' || (mode === 'implicit' && !(oneStep && statements.length === 1));
    if (explicit && !staysInTransaction) {
      afterCommit.push(
        `-- ballast: moved out of the transaction (planned steps run one transaction each)\n${render(fix.steps)}`,
      );
      edits.push({ start: s.offset, end, text: `-- ballast: ${firstLine(s.sql)} … moved after COMMIT` });
    } else if (!explicit && toolTransaction && !staysInTransaction) {
      outside.push(...fix.steps.map((st) => outsideEntry(st, result.options)));
      edits.push({
        start: s.offset,
        end,
        text: `-- ballast: ${firstLine(s.sql)} … moved to migrations of its own`,
      });
    } else {
      edits.push({ start: s.offset, end, text: render(fix.steps) });
    }
  }
  if (afterCommit.length)
    edits.push({ start: text.length, end: text.length, text: `\n${afterCommit.join('\n')}\n` });
  // Text fixes (the runner's lock_timeout) go on top, so the whole file runs under them; not in a
  // Prisma file whose lone statement became non-transactional: a second statement would put it
  // back in Prisma's implicit transaction.
  const first = statements[0];
  const lone = result.options.transaction === 'implicit' && statements.length === 1;
  const texts =
    lone && [...result.fixes.values()].some((f) => f.steps.some((st) => !st.transactional))
      ? []
      : textFixes(result);
  if (first) {
    const preludes = texts.map((r) => `${r.prelude(first.dialect)};\n`);
    if (preludes.length) edits.push({ start: first.offset, end: first.offset, text: preludes.join('') });
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  const resolved = result.findings.filter(
    (f) => f.fix !== undefined || (first && texts.some((r) => r.id === f.rule)),
  );
  return { text: out, outside, fixed: result.fixes.size, resolved };
}

/** The rules with a text fix that have findings in the result, once each. */
function textFixes(result: LintResult): Array<Rule & { fix: 'text' }> {
  const ids = new Set(result.findings.map((f) => f.rule));
  return [...ids].flatMap((id) => {
    const rule = RULES_BY_ID.get(id);
    return rule?.fix === 'text' ? [rule] : [];
  });
}

const firstLine = (sql: string) => sql.split('\n')[0]!.slice(0, 60);

/** End of the statement in the file, including its semicolon when it has one. */
function statementEnd(text: string, offset: number, sql: string): number {
  const end = offset + sql.length;
  let i = end;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return text[i] === ';' ? i + 1 : end;
}

/**
 * One moved step as a file of its own. Linted alone it cannot see the plan's earlier steps (the
 * validated CHECK that makes SET NOT NULL instant lives in the previous migration), so what it
 * would report is suppressed with that reason; a transactional step carries the lock_timeout.
 */
function outsideEntry(step: FixedStep, options: LintOptions): string {
  const sql = `${step.sql.replace(/;\s*$/, '')};`;
  const text = step.transactional ? `${LOCK_TIMEOUT_SQL};\n${sql}` : sql;
  const found = lintText(text, options, undefined).findings.filter((f) => f.severity !== 'info');
  const ignores = [...new Set(found.map((f) => f.rule))].map(
    (r) => `-- ballast:ignore ${r} step of the planned ${step.plan}: its earlier steps ran first\n`,
  );
  return step.transactional ? `${LOCK_TIMEOUT_SQL};\n${ignores.join('')}${sql}` : `${ignores.join('')}${sql}`;
}
