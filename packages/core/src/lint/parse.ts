/**
 * Text → statements with positions, through the real parsers: libpg-query (PostgreSQL's own
 * grammar, WASM) and node-sql-parser (MySQL, then MariaDB grammar). Unparseable SQL becomes a
 * ParseFailure with a line, never an exception and never a silent pass.
 */

import { createRequire } from 'node:module';
import { WrongContextError } from '../errors.js';
import { parseAlterByClause } from './mysql-clauses.js';
import { type EmbeddedSql, embeddedSql, embeddingUses } from './mysql-embedded.js';
import { recognizeMysql, withoutGuards } from './mysql-recognize.js';
import { SourceText, splitMysqlStatements } from './source.js';
import type { MysqlServer, MysqlStatement, PgStatement } from './types.js';

export interface ParseFailure {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface Parsed<S> {
  readonly source: SourceText;
  readonly statements: readonly S[];
  readonly failures: readonly ParseFailure[];
}

const requireCjs = createRequire(import.meta.url);
type PgQuery = typeof import('libpg-query');
let pgReady: Promise<void> | undefined;
let pgQuery: PgQuery | undefined;
/**
 * libpg-query (JS and a 1.7 MB WASM) is loaded on first call, not at import: linting MySQL, or
 * running a command that lints nothing, never pays for PostgreSQL's parser.
 */
export function loadPgParser(): Promise<void> {
  // require, not import(): its main is CommonJS, and through the ESM loader (cjs-module-lexer over
  // it and @pgsql/types) it cost ≈40 ms more CPU per run (bench/lint).
  pgReady ??= Promise.resolve().then(async () => {
    const mod = requireCjs('libpg-query') as PgQuery;
    await mod.loadModule();
    pgQuery = mod;
  });
  return pgReady;
}

function pgParser(): PgQuery {
  if (pgQuery) return pgQuery;
  throw new WrongContextError('PostgreSQL SQL is parsed only after `await loadPgParser()`', {
    where: 'lintSql',
    hint: 'call `await loadPgParser()` once before linting PostgreSQL SQL',
  });
}

interface PgSqlError {
  message: string;
  sqlDetails?: { cursorPosition?: number };
}

export function parsePostgres(text: string): Parsed<PgStatement> {
  const source = new SourceText(text);
  // libpg-query rejects empty input ("query cannot be null or empty"): no statements is no finding.
  if (source.skipTrivia(0) >= text.length) return { source, statements: [], failures: [] };
  try {
    return { source, statements: pgStatements(source, text, pgParser().parseSync(text), 0, 0), failures: [] };
  } catch {
    // One bad statement must not hide the others: split with PostgreSQL's own scanner (it knows
    // dollar quotes and comments) and parse each piece on its own.
    return parsePostgresPieces(source, text);
  }
}

function pgStatements(
  source: SourceText,
  text: string,
  result: ReturnType<PgQuery['parseSync']>,
  byteBase: number,
  first: number,
): PgStatement[] {
  const statements: PgStatement[] = [];
  for (const raw of result.stmts ?? []) {
    if (!raw.stmt) continue;
    const location = byteBase + (raw.stmt_location ?? 0);
    const begin = source.charOffset(location);
    // stmt_len 0 means "to the end of the text that was parsed".
    const end = raw.stmt_len ? source.charOffset(location + raw.stmt_len) : text.length;
    const offset = source.skipTrivia(begin);
    statements.push({
      dialect: 'postgres',
      index: first + statements.length,
      node: raw.stmt,
      byteBase,
      sql: source.text.slice(offset, end).trim(),
      offset,
      ...source.position(offset),
    });
  }
  return statements;
}

function parsePostgresPieces(source: SourceText, text: string): Parsed<PgStatement> {
  const bytes = Buffer.from(text);
  const cuts = pgParser()
    .scanSync(text)
    .tokens.filter((t) => t.text === ';' && t.tokenName === 'ASCII_59')
    .map((t) => t.end);
  const statements: PgStatement[] = [];
  const failures: ParseFailure[] = [];
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    const piece = bytes.subarray(from, to).toString('utf8');
    const pieceEnd = source.charOffset(to);
    if (source.skipTrivia(source.charOffset(from)) >= pieceEnd || /^[\s;]*$/.test(piece)) {
      from = to;
      continue;
    }
    try {
      const parsed = pgParser().parseSync(piece);
      statements.push(...pgStatements(source, text.slice(0, pieceEnd), parsed, from, statements.length));
    } catch (err) {
      const e = err as PgSqlError;
      const at = source.charOffset(from + Math.max(0, e.sqlDetails?.cursorPosition ?? 0));
      failures.push({
        ...source.position(Math.max(at, source.skipTrivia(source.charOffset(from)))),
        message: e.message,
      });
    }
    from = to;
  }
  return { source, statements, failures };
}

type SqlParser = { astify(sql: string, opts: { database: string }): unknown };
const grammars = new Map<string, SqlParser>();
/** One grammar per dialect, loaded on first use: the full node-sql-parser build loads ~20 grammars. */
function mysqlGrammar(database: 'MySQL' | 'MariaDB'): SqlParser {
  let parser = grammars.get(database);
  if (!parser) {
    const mod = requireCjs(`node-sql-parser/build/${database.toLowerCase()}`) as {
      Parser: new () => SqlParser;
    };
    parser = new mod.Parser();
    grammars.set(database, parser);
  }
  return parser;
}

export function parseMysql(text: string, server: MysqlServer): Parsed<MysqlStatement> {
  const source = new SourceText(text);
  const statements: MysqlStatement[] = [];
  const failures: ParseFailure[] = [];
  // Try the grammar of the server first, then the other one: each misses a few statements.
  const order: Array<'MySQL' | 'MariaDB'> =
    server.flavor === 'mariadb' ? ['MariaDB', 'MySQL'] : ['MySQL', 'MariaDB'];
  const astify = (sql: string) => {
    for (const database of order) {
      try {
        const parsed = mysqlGrammar(database).astify(sql, { database });
        return Array.isArray(parsed) ? parsed[0] : parsed;
      } catch {}
    }
    return undefined;
  };
  const ranges = splitMysqlStatements(text)
    .map((r) => ({ ...r, start: source.skipTrivia(r.start, true) }))
    .filter((r) => r.start < r.end);
  const uses = embeddingUses(ranges.map((r) => text.slice(r.start, r.end)));
  const pieces = ranges.flatMap(
    (r): Array<{ offset: number; sql: string; embedded?: EmbeddedSql['embedded'] }> => [
      { offset: r.start, sql: text.slice(r.start, r.end).trim() },
      ...embeddedSql(text, r.start, r.end, uses),
    ],
  );
  for (const { offset, sql, embedded } of pieces) {
    let ast: unknown;
    let firstError: { message: string; location?: { start: { offset: number } } } | undefined;
    for (const database of order) {
      try {
        const parsed = mysqlGrammar(database).astify(sql, { database });
        ast = Array.isArray(parsed) ? parsed[0] : parsed;
        break;
      } catch (err) {
        firstError ??= err as typeof firstError;
      }
    }
    if (ast === undefined) {
      // Without MariaDB's guards and index hints, then what the grammars lack.
      const plain = withoutGuards(sql);
      if (plain !== sql) ast = astify(plain);
      ast ??= recognizeMysql(plain) ?? parseAlterByClause(plain, astify);
    }
    // A string that does not parse is a piece of a statement built at run time (CONCAT('ALTER
    // TABLE ', @t, …)): nothing to lint, and no false finding.
    if (ast === undefined && embedded === 'prepared') continue;
    if (ast === undefined) {
      const at = offset + (firstError?.location?.start.offset ?? 0);
      const message = (firstError?.message ?? 'unrecognised statement').split('\n')[0]!;
      failures.push({
        ...source.position(at),
        message: message.length > 200 ? `${message.slice(0, 200)}…` : message,
      });
      continue;
    }
    statements.push({
      dialect: 'mysql',
      index: statements.length,
      ast,
      sql,
      offset,
      ...(embedded ? { embedded } : {}),
      ...source.position(offset),
    });
  }
  return { source, statements, failures };
}
