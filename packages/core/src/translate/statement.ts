/**
 * One linted statement → its translation. The statement's findings say what is wrong; the rules
 * say which findings a plan resolves (`fix: 'planned'`); the dialect's mapping picks the planners.
 */
import type { ServerInfo } from '../dialects/server.js';
import { RULES_BY_ID } from '../lint/rules/index.js';
import type { Finding, Statement } from '../lint/types.js';
import type { Plan } from '../plan.js';
import { planMysqlStatement } from './mysql.js';
import { planPgStatement } from './postgres.js';
import type { NoPlan, TranslatedStatement } from './types.js';

const fixOf = (rule: string) => RULES_BY_ID.get(rule)?.fix ?? 'none';

export function translateStatement(
  s: Statement,
  findings: readonly Finding[],
  text: string,
  server: ServerInfo,
): TranslatedStatement {
  const base = { index: s.index, sql: s.sql, location: { line: s.line, column: s.column }, findings };
  const blocking = findings.filter((f) => f.severity !== 'info');
  const planned = blocking.filter((f) => fixOf(f.rule) === 'planned');
  if (planned.length > 0) {
    const plans = planStatement(s, text, server);
    if ('reason' in plans) return { ...base, status: 'untranslatable', reason: plans.reason };
    return { ...base, status: 'planned', plans, resolves: [...new Set(planned.map((f) => f.rule))] };
  }
  const error = blocking.find((f) => f.severity === 'error');
  if (error)
    return {
      ...base,
      status: 'untranslatable',
      reason: `${error.rule}: ${error.message} No plan makes it safe automatically; the finding's help says what to do.`,
    };
  return { ...base, status: 'safe' };
}

/** The plans of the statement's dialect; a planner that refuses (e.g. NOT NULL without default) gives its reason. */
function planStatement(s: Statement, text: string, server: ServerInfo): Plan[] | NoPlan {
  try {
    return s.dialect === 'postgres' ? planPgStatement(text, s, server) : planMysqlStatement(s, server);
  } catch (error) {
    return { reason: `the planner refused: ${error instanceof Error ? error.message : String(error)}` };
  }
}
