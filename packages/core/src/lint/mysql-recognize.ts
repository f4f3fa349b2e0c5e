/**
 * Valid MySQL/MariaDB statements node-sql-parser's grammars miss: read here so they are never
 * reported as unparseable (an unparseable valid statement is a false finding).
 */
import { mysqlQuotedEnd } from '../dialects/mysql/scan.js';
import { isMysqlRoutine } from './source.js';

const NAME = '(`[^`]+`|[\\w$.]+)';
const unquote = (name: string) => (name.startsWith('`') ? name.slice(1, -1).replaceAll('``', '`') : name);

/** Statements the grammars miss but that matter for safety, or that are harmless and must parse. */
export function recognizeMysql(sql: string): object | undefined {
  const optimize = new RegExp(
    `^optimize\\s+(?:no_write_to_binlog\\s+|local\\s+)?tables?\\s+${NAME}`,
    'i',
  ).exec(sql);
  if (optimize) return { type: 'optimize', table: unquote(optimize[1]!) };
  // Read-only maintenance: nothing to check, but it must not be reported as unreadable.
  const harmless = /^(analyze|check|checksum)\s+(?:no_write_to_binlog\s+|local\s+)?tables?\s/i.exec(sql);
  if (harmless) return { type: harmless[1]!.toLowerCase() };
  const convert = new RegExp(
    `^alter\\s+table\\s+${NAME}\\s+convert\\s+to\\s+(?:character\\s+set|charset)\\s+(\\w+)`,
    'i',
  ).exec(sql);
  if (convert) {
    return {
      type: 'alter',
      table: [{ table: unquote(convert[1]!) }],
      expr: [{ action: 'convert', charset: convert[2] }],
    };
  }
  // Stored routines and dynamic SQL: what they run is linted from their body or string
  // (mysql-embedded.ts); the statements themselves change no table.
  if (isMysqlRoutine(sql)) return { type: 'routine' };
  if (
    /^(?:prepare\s+\S+\s+from\b|execute\s+\S+|(?:deallocate|drop)\s+prepare\s|call\s)/i.test(sql) ||
    /^drop\s+(?:procedure|function|trigger|event)\s/i.test(sql)
  )
    return { type: 'procedural' };
  return undefined;
}

/**
 * Clauses outside node-sql-parser's grammar that decide whether or how a statement runs, not
 * what it does — MariaDB's guards (`IF [NOT] EXISTS` on ALTER clauses, DROP INDEX, RENAME TABLE,
 * CREATE INDEX; `CREATE OR REPLACE INDEX`; `ALTER [ONLINE] [IGNORE] TABLE`) and index hints
 * (`FORCE INDEX (i)`): the statement without them gets the same verdict. Quotes are kept.
 */
export function withoutGuards(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = mysqlQuotedEnd(sql, i + 1, c) ?? sql.length;
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    if (/[a-z]/i.test(c) && !/[\w$]/.test(sql[i - 1] ?? ' ')) {
      const guard = matchAt(GUARD, sql, i) ?? matchAt(INDEX_HINT, sql, i);
      if (guard) {
        i += guard.length;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out
    .replace(/^create\s+or\s+replace\s+((?:unique\s+|fulltext\s+|spatial\s+)?index)\b/i, 'CREATE $1')
    .replace(/^alter\s+(?:online\s+)?(?:ignore\s+)?table\b/i, 'ALTER TABLE');
}

const GUARD = /if\s+(?:not\s+)?exists\b\s*/iy;
const INDEX_HINT =
  /(?:use|force|ignore)\s+(?:index|key)\s*(?:for\s+(?:join|order\s+by|group\s+by)\s*)?\([^)]*\)\s*/iy;

/** The text `sticky` matches at `at`, if any. */
function matchAt(sticky: RegExp, text: string, at: number): string | undefined {
  sticky.lastIndex = at;
  return sticky.exec(text)?.[0];
}
