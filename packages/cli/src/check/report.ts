/** The plan/check report as text (for people), JSON (stable fields) and Markdown (CI summary). */
import { type Finding, ms, oneLine, type StatementReport } from './findings.js';

export interface CheckReport {
  readonly command: 'plan' | 'check';
  /** The target's URL, password masked. */
  readonly target: string;
  readonly copy?: 'template' | 'schema-dump';
  readonly lockBudgetMs?: number;
  readonly pending: readonly string[];
  readonly statements: readonly StatementReport[];
  readonly findings: readonly Finding[];
  /** True when a finding is an error: exit status 1. */
  readonly blocking: boolean;
}

export function formatReport(report: CheckReport, format: 'text' | 'json' | 'markdown'): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return format === 'markdown' ? markdown(report) : text(report);
}

const lockLine = (l: StatementReport['locks'][number]) =>
  `${l.mode} on ${l.relation}${l.existing ? '' : ' (new)'}, held ${ms(l.heldMs)}` +
  (Math.round(l.estimatedHoldMs) > Math.round(l.heldMs) ? ` (≈ ${ms(l.estimatedHoldMs)} on the target)` : '');

const effects = (s: StatementReport) => [
  ...s.rewrites.map((t) => `rewrites ${t}`),
  ...Object.entries(s.scans).map(([t, n]) => `${n} seq scan${n > 1 ? 's' : ''} of ${t}`),
];

function header(r: CheckReport): string {
  const n = r.pending.length;
  const head = `ballast ${r.command}: ${n} pending migration${n === 1 ? '' : 's'} for ${r.target}`;
  if (n === 0) return `${head}: nothing to do\n`;
  const budget = r.lockBudgetMs === undefined ? '' : `, lock budget ${ms(r.lockBudgetMs)}`;
  return `${head} (measured on a throwaway ${r.copy} copy${budget})\n`;
}

function text(r: CheckReport): string {
  const out = [header(r)];
  for (const name of r.pending) {
    const stmts = r.statements.filter((s) => s.migration === name);
    out.push(`\n${name}${stmts.length ? '' : ': no statements on application tables'}\n`);
    stmts.forEach((s, i) => {
      const est =
        Math.round(s.estimatedMs) > Math.round(s.ms) ? ` (≈ ${ms(s.estimatedMs)} on the target)` : '';
      out.push(`  ${i + 1}. ${oneLine(s.sql, 100)}\n`);
      if (s.step) out.push(`     step ${s.step.id} (planned lock ${s.step.lock}): ${s.step.description}\n`);
      out.push(`     ${ms(s.ms)}${est}, ${s.autocommit ? 'outside a transaction' : 'in a transaction'}\n`);
      for (const l of s.locks) out.push(`     lock ${lockLine(l)}\n`);
      if (s.sampled) out.push('     locks sampled while it ran (it cannot run in a transaction block)\n');
      for (const e of effects(s)) out.push(`     ${e}\n`);
      if (s.error) out.push(`     failed: ${s.error}\n`);
    });
  }
  if (r.command === 'check') {
    out.push(r.findings.length ? '\nfindings:\n' : '\nno findings\n');
    for (const f of r.findings) out.push(`  ${f.severity} ${f.rule} (${f.migration}): ${f.message}\n`);
    out.push(verdict(r));
  }
  return out.join('');
}

function verdict(r: CheckReport): string {
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.length - errors;
  return `\n${r.blocking ? 'BLOCKED' : 'OK'}: ${errors} blocking finding${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdown(r: CheckReport): string {
  const out = [`## ${r.blocking ? '❌' : '✅'} ${cell(header(r).trim())}\n`];
  if (r.findings.length) {
    out.push('\n| severity | rule | migration | finding |\n|---|---|---|---|\n');
    for (const f of r.findings)
      out.push(`| ${f.severity} | \`${f.rule}\` | ${cell(f.migration)} | ${cell(f.message)} |\n`);
  }
  for (const name of r.pending) {
    const stmts = r.statements.filter((s) => s.migration === name);
    out.push(`\n### ${cell(name)}\n`);
    if (!stmts.length) continue;
    out.push('\n| # | statement | time | locks | rewrites / scans |\n|---|---|---|---|---|\n');
    stmts.forEach((s, i) => {
      const time =
        Math.round(s.estimatedMs) > Math.round(s.ms) ? `${ms(s.ms)} (≈ ${ms(s.estimatedMs)})` : ms(s.ms);
      out.push(
        `| ${i + 1} | \`${cell(oneLine(s.sql, 80))}\`${s.step ? `<br>step \`${cell(s.step.id)}\`` : ''} | ${time} | ${cell(s.locks.map(lockLine).join('<br>'))} | ${cell(effects(s).join('<br>'))} |\n`,
      );
    });
  }
  if (r.command === 'check') out.push(verdict(r));
  return out.join('');
}
