/**
 * A migration.sql as a Plan for core's runner: one step per statement, in file order, so each
 * gets lock_timeout, retries that name the blockers, a journal entry (a crashed deploy resumes
 * after the last finished statement) and, for CONCURRENTLY, no transaction. The file is applied
 * as written: `ballast-prisma migrate dev` already made it safe before its first apply.
 */
import type { Plan, SqlStep } from '@ballast/core';
import { lintSql } from '@ballast/core/lint';

/** Statements PostgreSQL refuses inside a transaction block. */
const OUTSIDE_TRANSACTION = /\bCONCURRENTLY\b|^\s*(VACUUM|CREATE\s+DATABASE|DROP\s+DATABASE)\b/i;
/** Long scans that only take SHARE UPDATE EXCLUSIVE: no statement_timeout for them. */
const LONG = /\bCONCURRENTLY\b|\bVALIDATE\s+CONSTRAINT\b/i;

export function migrationPlan(name: string, sql: string): Plan {
  const statements = sql.trim() === '' ? [] : lintSql(sql, { dialect: 'postgres' }).parsed.statements;
  const steps: SqlStep[] = [];
  for (const s of statements) {
    // The runner sets lock_timeout on every step itself; a SET in the file would only change it.
    if (s.dialect === 'postgres' && 'VariableSetStmt' in (s.node as object)) continue;
    const long = LONG.test(s.sql);
    steps.push({
      kind: 'sql',
      id: `${name}:${s.index + 1}`,
      description: `${name} statement ${s.index + 1} (line ${s.line}): ${s.sql.split('\n')[0]!.slice(0, 80)}`,
      sql: s.sql,
      lock: long ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE',
      transactional: !OUTSIDE_TRANSACTION.test(s.sql),
      timeout: long ? 'long' : 'ddl',
    });
  }
  return { operation: 'prisma-migration', target: name, steps, reverse: [], notes: [] };
}
