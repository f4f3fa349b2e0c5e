/**
 * Just enough of PostgreSQL's lexer (src/backend/parser/scan.l) to tell, in a SQL fragment, the
 * text that is SQL from the text inside quotes: string literals ('…', E'…'), quoted identifiers
 * ("…") and dollar quotes ($$…$$, $tag$…$tag$). Used to refuse fragments that could end the
 * statement (`;`) or hide the rest of it (`--`, `/*`), while allowing those characters inside
 * quotes, e.g. a CHECK on a column named "a;b".
 *
 * Safe direction: where this reading and the server's could differ, this one sees *more* text as
 * SQL (e.g. a dollar quote right after a digit is not opened), so it refuses, never lets through.
 */

export interface StatementBreak {
  /** What was found outside quotes. */
  readonly found: 'a semicolon' | 'a -- comment' | 'a /* comment' | 'a # comment' | 'an unterminated quote';
  /** 0-based offset in the fragment. */
  readonly offset: number;
}

/**
 * The first thing outside quotes that could end or hide part of the statement, or undefined.
 * Plain '…' strings are read both ways, with and without backslash escapes: a session with
 * standard_conforming_strings off reads `'\'` as an open quote, and the fragment must be one
 * expression under either setting.
 */
export function findStatementBreak(sql: string): StatementBreak | undefined {
  return scan(sql, false) ?? (sql.includes('\\') ? scan(sql, true) : undefined);
}

export const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
export const IDENT_CONT = /[A-Za-z0-9_$\u0080-\uffff]/;
export const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

function scan(sql: string, backslashInPlainStrings: boolean): StatementBreak | undefined {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === ';') return { found: 'a semicolon', offset: i };
    if (c === '-' && next === '-') return { found: 'a -- comment', offset: i };
    if (c === '/' && next === '*') return { found: 'a /* comment', offset: i };
    let end: number | undefined;
    if (c === "'") end = stringEnd(sql, i + 1, backslashInPlainStrings);
    else if (c === '"') end = quotedIdentifierEnd(sql, i + 1);
    else if (c === '$' && !IDENT_CONT.test(sql[i - 1] ?? ' ')) {
      const tag = DOLLAR_TAG.exec(sql.slice(i))?.[0];
      end = tag === undefined ? i + 1 : dollarQuoteEnd(sql, i + tag.length, tag);
    } else if (IDENT_START.test(c)) {
      // A whole word, so a `$` inside it (`a$$b` is one identifier) never opens a dollar quote.
      let j = i + 1;
      while (j < sql.length && IDENT_CONT.test(sql[j]!)) j++;
      // E'…' (escape string): backslash escapes whatever standard_conforming_strings says.
      end = j === i + 1 && (c === 'e' || c === 'E') && sql[j] === "'" ? stringEnd(sql, j + 1, true) : j;
    } else end = i + 1;
    if (end === undefined) return { found: 'an unterminated quote', offset: i };
    i = end;
  }
  return undefined;
}

/** Offset after the closing quote of a string whose body starts at `from`; `''` is a quote. */
export function stringEnd(sql: string, from: number, backslashEscapes: boolean): number | undefined {
  for (let i = from; i < sql.length; i++) {
    if (backslashEscapes && sql[i] === '\\') i++;
    else if (sql[i] === "'") {
      if (sql[i + 1] !== "'") return i + 1;
      i++;
    }
  }
  return undefined;
}

export function quotedIdentifierEnd(sql: string, from: number): number | undefined {
  for (let i = from; i < sql.length; i++) {
    if (sql[i] === '"') {
      if (sql[i + 1] !== '"') return i + 1;
      i++;
    }
  }
  return undefined;
}

export function dollarQuoteEnd(sql: string, from: number, tag: string): number | undefined {
  const close = sql.indexOf(tag, from);
  return close < 0 ? undefined : close + tag.length;
}
