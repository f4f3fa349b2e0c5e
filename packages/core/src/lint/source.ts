/** Positions in SQL text: 1-based line/column, UTF-8 byte ↔ character offsets, comment skipping. */

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
 * Splits MySQL text on top-level semicolons, respecting quotes, backticks and comments
 * (node-sql-parser parses one statement at a time more reliably than a whole file, and a
 * failure then points at its own statement). Returns [start, end) ranges, trivia included.
 */
export function splitMysqlStatements(text: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' && c !== '`' ? 2 : 1;
      i++;
    } else if ((c === '-' && text[i + 1] === '-') || c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (c === ';') {
      out.push({ start, end: i });
      start = ++i;
    } else i++;
  }
  out.push({ start, end: text.length });
  return out;
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
