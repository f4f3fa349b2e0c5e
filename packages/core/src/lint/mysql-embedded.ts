/**
 * SQL a MySQL/MariaDB file runs that is not a top-level statement of its own, linted as the
 * statements it is (findings point inside the file; no fix rewrites them):
 * - the body of a stored procedure the file CALLs (`CREATE PROCEDURE p() BEGIN … END; CALL p();`):
 *   its statements run at the CALL;
 * - statement text in a string the file PREPAREs and EXECUTEs (`SET @s = IF(…, 'ALTER TABLE …',
 *   'SELECT 1'); PREPARE q FROM @s; EXECUTE q;`), the usual "only if the column exists" idiom; a
 *   string that does not parse is a fragment of a statement built at run time, and is skipped.
 * Procedural statements (DECLARE, SELECT … INTO, SET, control flow) are not migrations' work and
 * are left out; trigger, function and event bodies do not run when the file runs.
 */
import { mysqlQuotedEnd } from '../dialects/mysql/scan.js';
import { isMysqlRoutine, splitMysqlStatements, withoutLeadingTrivia } from './source.js';

export interface EmbeddedSql {
  readonly offset: number;
  readonly sql: string;
  readonly embedded: 'routine' | 'prepared';
}

/** What a migration runs for its effect on the schema or the data. */
const RUNS = /^(?:alter|create|drop|rename|update|delete|insert|replace|truncate|optimize)\b/i;
const NAME = '(`(?:[^`]|``)+`|[\\w$]+)(?:\\s*\\.\\s*(`(?:[^`]|``)+`|[\\w$]+))?';
const bare = (name: string) => name.replace(/^`|`$/g, '').replaceAll('``', '`').toLowerCase();

/** Procedures the file CALLs and variables it PREPAREs from. */
export function embeddingUses(statements: readonly string[]): { calls: Set<string>; prepared: Set<string> } {
  const calls = new Set<string>();
  const prepared = new Set<string>();
  for (const sql of statements.map(withoutLeadingTrivia)) {
    const call = new RegExp(`^call\\s+${NAME}`, 'i').exec(sql);
    if (call) calls.add(bare(call[2] ?? call[1]!));
    const prepare = /^prepare\s+\S+\s+from\s+@([\w$.]+)/i.exec(sql);
    if (prepare) prepared.add(prepare[1]!.toLowerCase());
  }
  return { calls, prepared };
}

/** The statements embedded in the top-level statement at [start, end) of `text`. */
export function embeddedSql(
  text: string,
  start: number,
  end: number,
  uses: ReturnType<typeof embeddingUses>,
): EmbeddedSql[] {
  const sql = withoutLeadingTrivia(text.slice(start, end));
  const procedure = isMysqlRoutine(sql) ? new RegExp(`\\bprocedure\\s+${NAME}`, 'i').exec(sql) : null;
  if (procedure && uses.calls.has(bare(procedure[2] ?? procedure[1]!))) return routineBody(text, start, end);
  const set = /^set\s+@([\w$.]+)\s*:?=/i.exec(sql);
  if (set && uses.prepared.has(set[1]!.toLowerCase())) return stringStatements(text, start, end);
  return [];
}

/** Statements of the BEGIN … END body, control flow stripped. */
function routineBody(text: string, start: number, end: number): EmbeddedSql[] {
  const open = nextWord(text, start, end, /^begin$/i);
  const close = lastWord(text, start, end, /^end$/i);
  if (open === undefined || close === undefined || close <= open.end) return [];
  const out: EmbeddedSql[] = [];
  for (const r of splitMysqlStatements(text.slice(open.end, close))) {
    const from = skipControl(text, open.end + r.start, open.end + r.end);
    const piece = text.slice(from, open.end + r.end).trim();
    if (RUNS.test(piece)) out.push({ offset: from, sql: piece, embedded: 'routine' });
  }
  return out;
}

/** Leading labels, IF … THEN, ELSEIF … THEN, WHILE … DO, ELSE, BEGIN, LOOP, REPEAT of a body piece. */
function skipControl(text: string, from: number, stop: number): number {
  let at = from;
  for (;;) {
    at = stop - withoutLeadingTrivia(text.slice(at, stop)).length;
    const rest = text.slice(at, stop);
    const label = /^[\w$]+\s*:(?!=)\s*/.exec(rest);
    const opener = /^(?:if|elseif|while)\b/i.exec(rest);
    const keyword = /^(?:else|begin|loop|repeat|do|then)\b/i.exec(rest);
    if (label && !RUNS.test(rest)) at += label[0].length;
    else if (opener) {
      const then = nextWord(text, at + opener[0].length, stop, /^(?:then|do)$/i);
      if (!then) return stop;
      at = then.end;
    } else if (keyword) at += keyword[0].length;
    else return at;
  }
}

/** String literals holding a statement, unquoted. */
function stringStatements(text: string, start: number, end: number): EmbeddedSql[] {
  const out: EmbeddedSql[] = [];
  for (let i = start; i < end; i++) {
    const q = text[i]!;
    if (q === '`') {
      const close = text.indexOf('`', i + 1);
      i = close === -1 ? end : close;
      continue;
    }
    if (q !== "'" && q !== '"') continue;
    let value = '';
    let j = i + 1;
    for (; j < end; j++) {
      const c = text[j]!;
      if (c === '\\') value += text[++j] ?? '';
      else if (c === q && text[j + 1] === q) value += text[++j];
      else if (c === q) break;
      else value += c;
    }
    const lead = value.length - value.trimStart().length;
    const statement = value.trim().replace(/;\s*$/, '');
    if (RUNS.test(statement)) out.push({ offset: i + 1 + lead, sql: statement, embedded: 'prepared' });
    i = j;
  }
  return out;
}

interface Word {
  readonly start: number;
  readonly end: number;
}

/** Words of text[from, stop) outside quotes, comments and parentheses. */
function* words(text: string, from: number, stop: number): Generator<Word> {
  let depth = 0;
  for (let i = from; i < stop; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i = (mysqlQuotedEnd(text, i + 1, c, stop) ?? stop) - 1; // the loop steps past the quote
    } else if ((c === '-' && text[i + 1] === '-') || c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 || nl > stop ? stop : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 || close > stop ? stop : close + 1;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /[A-Za-z_]/.test(c) && !/[\w$]/.test(text[i - 1] ?? ' ')) {
      let j = i;
      while (j < stop && /[\w$]/.test(text[j]!)) j++;
      yield { start: i, end: j };
      i = j - 1;
    }
  }
}

function nextWord(text: string, from: number, stop: number, match: RegExp): Word | undefined {
  for (const w of words(text, from, stop)) if (match.test(text.slice(w.start, w.end))) return w;
  return undefined;
}

function lastWord(text: string, from: number, stop: number, match: RegExp): number | undefined {
  let last: number | undefined;
  for (const w of words(text, from, stop)) if (match.test(text.slice(w.start, w.end))) last = w.start;
  return last;
}
