import type { StatementBreak } from '../postgres/scan.js';

/**
 * The first thing outside quotes that could end or hide part of a MySQL/MariaDB statement, or
 * undefined: `;`, a `#`, `--` or `/*` comment (`/*!…*\/` runs as SQL), or an unterminated quote.
 *
 * Quotes are read as MySQL reads them: `'…'` and `"…"` strings with a doubled quote inside, and
 * `` `…` `` identifiers with a doubled backtick. Strings are read both with and without backslash
 * escapes: `sql_mode` NO_BACKSLASH_ESCAPES (and ANSI_QUOTES, which makes `"…"` an identifier
 * without escapes) changes where `'a\'` ends, and the fragment must be one expression under every
 * mode. PostgreSQL's scanner would be wrong here: `#` starts a comment in MySQL (a comment in a
 * SET expression would hide the rest of the line, the batch's key range included), `$$` quotes
 * nothing, and a backticked name may hold a `'`.
 */
export function findMysqlStatementBreak(sql: string): StatementBreak | undefined {
  return scan(sql, true) ?? scan(sql, false);
}

function scan(sql: string, backslashEscapes: boolean): StatementBreak | undefined {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === ';') return { found: 'a semicolon', offset: i };
    if (c === '#') return { found: 'a # comment', offset: i };
    // MySQL needs a space after `--` for a comment; refusing every `--` keeps the rule simple
    // (write `a - -b`).
    if (c === '-' && next === '-') return { found: 'a -- comment', offset: i };
    if (c === '/' && next === '*') return { found: 'a /* comment', offset: i };
    let end: number | undefined = i + 1;
    if (c === "'" || c === '"') end = quotedEnd(sql, i + 1, c, backslashEscapes);
    else if (c === '`') end = quotedEnd(sql, i + 1, c, false);
    if (end === undefined) return { found: 'an unterminated quote', offset: i };
    i = end;
  }
  return undefined;
}

/**
 * Offset after the closing quote of a MySQL quoted token whose body starts at `from` (just past
 * the opening `quote`), read as the server does by default: backslash escapes in `'…'` and `"…"`,
 * none in `` `…` ``, a doubled quote inside. Undefined when it does not end before `stop`. The
 * one reader of MySQL quotes: the statement splitter and recognisers of lint use it too.
 */
export function mysqlQuotedEnd(
  text: string,
  from: number,
  quote: string,
  stop = text.length,
): number | undefined {
  return quotedEnd(text, from, quote, quote !== '`', stop);
}

/** Offset after the closing `quote` of a body that starts at `from`; a doubled quote is a quote. */
function quotedEnd(
  sql: string,
  from: number,
  quote: string,
  backslashEscapes: boolean,
  stop = sql.length,
): number | undefined {
  for (let i = from; i < stop; i++) {
    if (backslashEscapes && sql[i] === '\\') i++;
    else if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i++;
    }
  }
  return undefined;
}
