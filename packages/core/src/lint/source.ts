/** Positions in SQL text: 1-based line/column, UTF-8 byte ↔ character offsets, comment skipping. */
import { mysqlQuotedEnd } from '../dialects/mysql/scan.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export class SourceText {
  private readonly lineStarts: number[] = [0];
  private readonly ascii: boolean;
  private readonly bytes: Buffer | undefined;

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    this.ascii = Buffer.byteLength(text) === text.length;
    this.bytes = this.ascii ? undefined : Buffer.from(text);
  }

  /** libpg-query reports UTF-8 byte offsets; JavaScript strings index UTF-16 units. */
  charOffset(byteOffset: number): number {
    if (!this.bytes) return Math.min(byteOffset, this.text.length);
    return this.bytes.subarray(0, byteOffset).toString('utf8').length;
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }

  /** The text of 1-based line `n` (empty past the end). */
  lineText(n: number): string {
    const start = this.lineStarts[n - 1];
    if (start === undefined) return '';
    const end = this.lineStarts[n] ?? this.text.length + 1;
    return this.text.slice(start, end - 1);
  }

  /** First offset at or after `offset` that is not whitespace or a comment. */
  skipTrivia(offset: number, hashComments = false): number {
    const t = this.text;
    let i = offset;
    while (i < t.length) {
      const c = t[i]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') i++;
      else if ((c === '-' && t[i + 1] === '-') || (hashComments && c === '#')) {
        const nl = t.indexOf('\n', i);
        i = nl === -1 ? t.length : nl + 1;
      } else if (c === '/' && t[i + 1] === '*') {
        const end = t.indexOf('*/', i + 2);
        i = end === -1 ? t.length : end + 2;
      } else break;
    }
    return i;
  }
}

/**
 * A stored routine (or MariaDB's anonymous `BEGIN NOT ATOMIC`): its BEGIN … END body holds
 * semicolons that do not end the statement.
 */
const ROUTINE =
  /^create\s+(?:or\s+replace\s+)?(?:definer\s*=\s*(?:`[^`]*`|'[^']*'|[^\s@]+)(?:\s*@\s*(?:`[^`]*`|'[^']*'|\S+))?\s+)?(?:aggregate\s+)?(?:procedure|function|trigger|event)\b|^begin\s+not\s+atomic\b/i;

const LEADING_TRIVIA = /^(?:\s|--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

/** `text` without its leading whitespace and comments. */
export const withoutLeadingTrivia = (text: string) => text.replace(LEADING_TRIVIA, '');

export const isMysqlRoutine = (sql: string) => ROUTINE.test(withoutLeadingTrivia(sql));

/** END that closes IF/LOOP/WHILE/REPEAT, not a BEGIN or CASE. */
const END_OF_CONTROL = /^\s+(?:if|loop|while|repeat)\b/i;

/**
 * Splits MySQL text into statements, respecting quotes, backticks and comments (node-sql-parser
 * parses one statement at a time more reliably than a whole file, and a failure then points at
 * its own statement). As the mysql client does, a `DELIMITER x` line changes what ends a
 * statement; with the default `;`, a stored routine's BEGIN … END body stays in its CREATE
 * statement (what golang-migrate and other multi-statement runners send). Returns
 * [start, end) ranges, trivia included.
 */
export function splitMysqlStatements(text: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  let start = 0;
  let i = 0;
  let delimiter = ';';
  // BEGIN/CASE … END nesting, counted for routine bodies only.
  let depth = 0;
  let previousWord = '';
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i = mysqlQuotedEnd(text, i + 1, c) ?? text.length;
    } else if ((c === '-' && text[i + 1] === '-') || c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (
      /[dD]/.test(c) &&
      atLineStart(text, i) &&
      /^delimiter[ \t]+\S/i.test(text.slice(i, i + 12)) &&
      withoutLeadingTrivia(text.slice(start, i)) === ''
    ) {
      // A mysql client directive where a statement would start (not a column named delimiter).
      const nl = text.indexOf('\n', i);
      const lineEnd = nl === -1 ? text.length : nl;
      out.push({ start, end: i });
      delimiter = text.slice(i, lineEnd).trim().split(/\s+/)[1]!;
      start = i = lineEnd;
      depth = 0;
    } else if (
      text.startsWith(delimiter, i) &&
      (delimiter !== ';' || depth <= 0 || !isMysqlRoutine(text.slice(start, i)))
    ) {
      out.push({ start, end: i });
      i += delimiter.length;
      start = i;
      depth = 0;
      previousWord = '';
    } else if (/[A-Za-z_]/.test(c) && (i === 0 || !/[\w$]/.test(text[i - 1]!))) {
      let j = i;
      // `END$$`: a word ends where the delimiter starts.
      while (j < text.length && /[\w$]/.test(text[j]!) && !text.startsWith(delimiter, j)) j++;
      const word = text.slice(i, j).toUpperCase();
      if (word === 'BEGIN' || (word === 'CASE' && previousWord !== 'END')) depth++;
      else if (word === 'END' && !END_OF_CONTROL.test(text.slice(j, j + 10))) depth--;
      previousWord = word;
      i = j;
    } else i++;
  }
  out.push({ start, end: text.length });
  return out;
}

function atLineStart(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  return j < 0 || text[j] === '\n';
}

/**
 * The clause of `sql` that starts where `start` matches and ends before the next top-level
 * comma (or the end): e.g. the `CHECK (...)` of an ALTER TABLE with several commands.
 */
export function clauseText(sql: string, start: RegExp): string | undefined {
  const m = start.exec(sql);
  if (!m) return undefined;
  let depth = 0;
  let quote = '';
  for (let i = m.index; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' || c === ';') && depth === 0) return sql.slice(m.index, i).trim();
  }
  return sql.slice(m.index).trim();
}
