/**
 * `-- ballast:ignore <rule-id>[,<rule-id>…] <reason>` in the comment lines directly above a
 * statement silences those rules for that statement. The reason is required: without one the
 * suppression does not apply and is itself reported.
 */
import type { SourceText } from './source.js';

export interface Suppression {
  readonly rules: readonly string[];
  readonly reason: string;
  readonly line: number;
  readonly column: number;
}

const IGNORE = /^(\s*)(?:--|#)\s*ballast:ignore\s+([\w,-]+)\s*(.*)$/;

/** Suppressions written in the comment block right above `line` (blank lines end the block). */
export function suppressionsAbove(source: SourceText, line: number): Suppression[] {
  const out: Suppression[] = [];
  for (let n = line - 1; n >= 1; n--) {
    const text = source.lineText(n);
    if (!/^\s*(--|#)/.test(text)) break;
    const m = IGNORE.exec(text);
    if (m)
      out.push({
        rules: m[2]!.split(',').filter(Boolean),
        reason: m[3]!.trim(),
        line: n,
        column: m[1]!.length + 1,
      });
  }
  return out;
}
