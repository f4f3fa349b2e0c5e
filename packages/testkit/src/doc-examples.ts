/**
 * The ```sql bad|good blocks of docs/rules/<id>.md, shared by core's docs test and the lint
 * benchmark corpus: a rule's documentation examples are its test cases. The options are the
 * subset of core's LintOptions the blocks can set (testkit does not depend on core).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's docs/rules (from packages/testkit/src or packages/testkit/dist). */
export const RULE_DOCS_DIR = fileURLToPath(new URL('../../../docs/rules/', import.meta.url));

export interface DocExampleOptions {
  readonly dialect?: 'postgres' | 'mysql';
  readonly pgVersion?: number;
  readonly transaction?: 'wrapped';
}

export interface DocExample {
  readonly rule: string;
  readonly kind: 'bad' | 'good';
  readonly sql: string;
  /** 1-based line of the block's last statement (where a bad block must be flagged). */
  readonly lastStatementLine: number;
  /** Expected column (1 unless the block says `at=L:C`). */
  readonly column: number;
  readonly options: DocExampleOptions;
  /** Where the block is, for assertion messages. */
  readonly where: string;
}

const BLOCK = /^```sql (bad|good)([^\n]*)\n([\s\S]*?)^```$/gm;

export function docExamples(dir = RULE_DOCS_DIR): DocExample[] {
  const out: DocExample[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    const rule = file.replace(/\.md$/, '');
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(BLOCK)) {
      const attrs = m[2]!.trim().split(/\s+/).filter(Boolean);
      const options: Record<string, unknown> = {};
      let at: [number, number] | undefined;
      for (const a of attrs) {
        const [key, value] = a.split('=');
        if (key === 'dialect') options.dialect = value;
        if (key === 'pg') options.pgVersion = Number(value);
        if (key === 'tx') options.transaction = 'wrapped';
        if (key === 'at') at = value!.split(':').map(Number) as [number, number];
      }
      const sql = m[3]!;
      const lines = sql.trimEnd().split('\n');
      // Statements here are one per line (comments above them): the last non-comment line.
      let last = lines.length;
      while (last > 1 && /^\s*(--|$)/.test(lines[last - 1]!)) last--;
      const line = text.slice(0, m.index).split('\n').length;
      out.push({
        rule,
        kind: m[1] as 'bad' | 'good',
        sql,
        lastStatementLine: at?.[0] ?? last,
        column: at?.[1] ?? 1,
        options: options as DocExampleOptions,
        where: `docs/rules/${file}:${line}`,
      });
    }
  }
  return out;
}
