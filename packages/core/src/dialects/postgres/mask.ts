import {
  DOLLAR_TAG,
  dollarQuoteEnd,
  IDENT_CONT,
  IDENT_START,
  quotedIdentifierEnd,
  stringEnd,
} from './scan.js';

/**
 * Another session's query text with its values masked, before it reaches a log line or
 * ballast_journal: string literals ('…', E'…', X'…', U&'…'), dollar-quoted strings, numbers and
 * comment bodies become `?`; keywords, identifiers and `$n` parameters stay, so people still see
 * which statement blocks them. A card number or a password in a blocker's query is not ours to keep.
 *
 * Lexer-based (postgres/scan.ts), not libpg-query's normalize: pg_stat_activity cuts long queries, and a
 * parser refuses a cut query. Safe direction: an unterminated quote or comment (a cut query) masks
 * to the end, and plain strings are read both with and without backslash escapes
 * (standard_conforming_strings), masking what either reading calls a value.
 */
export function maskLiterals(sql: string): string {
  const masked = new Uint8Array(sql.length);
  markValues(sql, false, masked);
  if (sql.includes('\\')) markValues(sql, true, masked);
  let out = '';
  for (let i = 0; i < sql.length; ) {
    if (masked[i]) {
      while (i < sql.length && masked[i]) i++;
      out += '?';
    } else out += sql[i++];
  }
  return out;
}

const NUMBER =
  /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)/;
const DIGIT = /[0-9]/;

/** Sets masked[i] = 1 for every character of a value or a comment body, under one reading. */
function markValues(sql: string, backslashInPlainStrings: boolean, masked: Uint8Array): void {
  const mark = (from: number, to: number) => masked.fill(1, from, to);
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1] ?? '';
    let end: number;
    if (c === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      end = newline < 0 ? sql.length : newline;
      mark(i + 2, end);
    } else if (c === '/' && next === '*') {
      end = blockCommentEnd(sql, i);
      mark(i + 2, Math.max(i + 2, sql.startsWith('*/', end - 2) ? end - 2 : end));
    } else if (c === "'") {
      end = stringEnd(sql, i + 1, backslashInPlainStrings) ?? sql.length;
      mark(i, end);
    } else if (c === '"') {
      end = quotedIdentifierEnd(sql, i + 1) ?? sql.length;
    } else if (c === '$' && DIGIT.test(next)) {
      end = i + 1;
      while (end < sql.length && DIGIT.test(sql[end]!)) end++; // $1: a parameter, no value in it
    } else if (c === '$' && !IDENT_CONT.test(sql[i - 1] ?? ' ') && DOLLAR_TAG.test(sql.slice(i))) {
      const tag = DOLLAR_TAG.exec(sql.slice(i))![0];
      end = dollarQuoteEnd(sql, i + tag.length, tag) ?? sql.length;
      mark(i, end);
    } else if (IDENT_START.test(c)) {
      end = i + 1;
      while (end < sql.length && IDENT_CONT.test(sql[end]!)) end++;
      // E'…': backslash escapes whatever standard_conforming_strings says.
      if (end === i + 1 && (c === 'e' || c === 'E') && sql[end] === "'") {
        end = stringEnd(sql, end + 1, true) ?? sql.length;
        mark(i + 1, end);
      }
    } else if (DIGIT.test(c) || (c === '.' && DIGIT.test(next))) {
      end = i + (NUMBER.exec(sql.slice(i))?.[0].length ?? 1);
      while (end < sql.length && IDENT_CONT.test(sql[end]!)) end++; // 123abc: junk, masked with it
      mark(i, end);
    } else end = i + 1;
    i = end;
  }
}

/** Offset after the `*\/` closing the comment opened at `from`; comments nest in PostgreSQL. */
function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  for (let i = from; i < sql.length - 1; i++) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i++;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return sql.length;
}
