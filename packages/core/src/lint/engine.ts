/**
 * The engine: parse a file, walk its statements with a FileContext, run every rule of the
 * dialect, apply suppressions, and — when given a Planner (lint.ts builds it from core/translate)
 * — translate flagged statements into plans and attach their SQL rendering as fixes. Without a
 * Planner nothing of core/ops is loaded: findings only (what `ballast lint` needs for clean files).
 */
import type { PlannedStatement, TranslatedStatement } from '../translate/types.js';
import { FileContext } from './context.js';
import type { FixedStatement } from './fix.js';
import { render } from './messages.js';
import { lintOptions } from './options.js';
import { type Parsed, parseMysql, parsePostgres } from './parse.js';
import { RULES, RULES_BY_ID } from './rules/index.js';
import { suppressionsAbove } from './suppress.js';
import type { Finding, LintOptions, RuleReport, Statement } from './types.js';
import { declaredTransaction, upPart } from './up-part.js';

export interface LintResult {
  readonly findings: readonly Finding[];
  /** Planned replacements for statements that have a fix, by statement index. */
  readonly fixes: ReadonlyMap<number, FixedStatement>;
  /** Every statement's translation (safe, planned, untranslatable), by statement index. */
  readonly translations: ReadonlyMap<number, TranslatedStatement>;
  readonly parsed: Parsed<Statement>;
  readonly options: LintOptions;
}

/** Statements → plans → fix text, for the options' server (core/translate + fix.ts). */
export interface Planner {
  translate(statement: Statement, own: readonly Finding[], text: string): TranslatedStatement;
  fix(t: PlannedStatement, ctx: FileContext): FixedStatement | undefined;
}

const severityOf = (id: string) => RULES_BY_ID.get(id)?.severity ?? 'error';

/** Lints SQL text; fixes and translations only with a planner. */
export function lintText(
  text: string,
  partial: Partial<LintOptions>,
  planner: ((options: LintOptions) => Planner) | undefined,
): LintResult {
  // A goose / sql-migrate / dbmate file says how its tool runs it; that beats a blanket flag.
  // Prisma's implicit transaction is the caller's knowledge of the runner, kept.
  const declared = partial.transaction === 'implicit' ? undefined : declaredTransaction(text);
  const options = lintOptions(declared ? { ...partial, transaction: declared } : partial);
  const plan = planner?.(options);
  const up = upPart(text);
  const parsed: Parsed<Statement> =
    options.dialect === 'postgres' ? parsePostgres(up) : parseMysql(up, options.mysql);
  const findings: Finding[] = parsed.failures.map((f) => ({
    rule: 'unparseable-sql',
    severity: 'error',
    line: f.line,
    column: f.column,
    ...render('unparseable-sql', {
      dialect:
        options.dialect === 'postgres'
          ? 'PostgreSQL'
          : options.mysql.flavor === 'mariadb'
            ? 'MariaDB'
            : 'MySQL',
      error: f.message,
      flags: options.dialect === 'postgres' ? '--pg-version' : '--mysql-version',
    }),
  }));
  const rules = RULES.filter((r) => r.dialects.includes(options.dialect));
  const ctx = new FileContext(options, parsed.statements.length);
  const reported = new Set<string>();
  const fixes = new Map<number, FixedStatement>();
  const translations = new Map<number, TranslatedStatement>();
  const ownFindings = new Map<number, Finding[]>();
  for (const statement of parsed.statements) {
    const suppressions = suppressionsAbove(parsed.source, statement.line);
    const ignored = new Set<string>();
    for (const s of suppressions) {
      if (s.reason) for (const r of s.rules) ignored.add(r);
      else {
        findings.push({
          rule: 'require-reason-for-ignore',
          severity: severityOf('require-reason-for-ignore'),
          line: s.line,
          column: s.column,
          ...render('require-reason-for-ignore', { rule: s.rules.join(',') }),
        });
      }
    }
    const own: Finding[] = [];
    for (const rule of rules) {
      if (rule.oncePerFile && reported.has(rule.id)) continue;
      const result = rule.check(ctx, statement);
      const reports: readonly RuleReport[] =
        result === undefined ? [] : 'message' in result ? [result] : result;
      if (reports.length === 0 || ignored.has(rule.id)) continue;
      reported.add(rule.id);
      for (const r of reports) {
        own.push({
          rule: rule.id,
          severity: rule.severity,
          line: statement.line,
          column: statement.column,
          ...r,
        });
      }
    }
    ownFindings.set(statement.index, own);
    // A rename followed, in its transaction, by a view of the old name is the safe pattern.
    const renamed = ctx.compatibilityViewFor(statement);
    if (renamed !== undefined) {
      const rename = parsed.statements[renamed]!;
      const isRenameFinding = (f: Finding) =>
        f.rule === 'ban-renaming-table' && f.line === rename.line && f.column === rename.column;
      for (let i = findings.length - 1; i >= 0; i--) if (isRenameFinding(findings[i]!)) findings.splice(i, 1);
      const kept = (ownFindings.get(renamed) ?? []).filter((f) => !isRenameFinding(f));
      if (plan) translations.set(renamed, plan.translate(rename, kept, text));
    }
    // SQL inside a procedure body or a string has no text of its own to replace.
    const embedded = statement.dialect === 'mysql' && statement.embedded !== undefined;
    const translated = embedded ? undefined : plan?.translate(statement, own, text);
    if (translated) translations.set(statement.index, translated);
    const fix = translated?.status === 'planned' ? plan?.fix(translated, ctx) : undefined;
    if (fix) fixes.set(statement.index, fix);
    for (const f of own) findings.push(fix?.rules.includes(f.rule) ? { ...f, fix: fix.text } : f);
    ctx.after(statement);
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  return { findings, fixes, translations, parsed, options };
}
