/**
 * `SET lock_timeout` in every new migration that takes a lock: `ballast lint --fix` adds it when
 * it rewrites a statement; a new migration it leaves as written gets it here, through the same
 * text fix of the require-lock-timeout rule. Only before the first apply (the checksum pins it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { lintSql, renderFixedFile } from '@ballast/core/lint';

export function withLockTimeout(path: string, pgVersion: number | undefined): void {
  const text = readFileSync(path, 'utf8');
  const result = lintSql(text, {
    dialect: 'postgres',
    transaction: 'implicit',
    ...(pgVersion ? { pgVersion } : {}),
  });
  if (result.fixes.size > 0 || !result.findings.some((f) => f.rule === 'require-lock-timeout')) return;
  const fixed = renderFixedFile(result, text);
  if (fixed.text !== text) writeFileSync(path, fixed.text);
}
