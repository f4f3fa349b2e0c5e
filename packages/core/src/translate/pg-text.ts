/**
 * Reading SQL fragments back out of a parsed statement (a default expression, a CHECK body, an
 * index predicate, a column type) so they can be handed to a planner as written by the user.
 */
import type { PgStatement } from '../lint/types.js';

const CONSTRAINT_START =
  /^(not\s+null|null|constraint|check|unique|primary|references|collate|generated|default)\b/i;

/** Character offset in the file of a node `location` (UTF-8 bytes, maybe relative to a piece). */
function charAt(text: string, s: PgStatement, location: number): number {
  const bytes = Buffer.from(text);
  return bytes.subarray(0, s.byteBase + location).toString('utf8').length;
}

/**
 * The expression after `DEFAULT` at `location`, up to the next column constraint, top-level
 * comma or the end of the statement.
 */
export function defaultExpressionText(text: string, s: PgStatement, location: number): string | undefined {
  const start = charAt(text, s, location);
  const m = /^default\s+/i.exec(text.slice(start));
  if (!m) return undefined;
  return scanExpression(text, start + m[0].length, s.offset + s.sql.length, true);
}

/** The text inside `CHECK ( … )` starting at or after `location`. */
export function checkExpressionText(text: string, s: PgStatement, location: number): string | undefined {
  const start = charAt(text, s, location);
  const m = /\bcheck\s*\(/i.exec(text.slice(start, s.offset + s.sql.length));
  if (!m) return undefined;
  const open = start + m.index + m[0].length;
  const inner = scanExpression(text, open, s.offset + s.sql.length, false);
  return inner;
}

/** Scan an expression: stop at depth-0 `,`/`)`, statement end or (optionally) a constraint keyword. */
function scanExpression(text: string, from: number, end: number, stopAtKeyword: boolean): string | undefined {
  let depth = 0;
  let i = from;
  while (i < end) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      i = close === -1 ? end : close + 1;
      continue;
    }
    if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i));
      if (tag) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? end : close + tag[0].length;
        continue;
      }
    }
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) break;
      depth--;
    } else if ((c === ',' || c === ';') && depth === 0) break;
    else if (
      stopAtKeyword &&
      depth === 0 &&
      /\s/.test(text[i - 1] ?? '') &&
      CONSTRAINT_START.test(text.slice(i, i + 12))
    ) {
      break;
    }
    i++;
  }
  const expr = text.slice(from, i).trim();
  return expr.length ? expr : undefined;
}

/** The predicate of a partial index: everything after the top-level WHERE. */
export function indexPredicateText(s: PgStatement): string | undefined {
  const m = /\bwhere\b([\s\S]*)$/i.exec(s.sql);
  return m?.[1]?.trim().replace(/;$/, '') || undefined;
}
