import { quoteLiteral } from '../quote.js';

/**
 * The MySQL drivers (mysql2, mysql) substitute `?` with values escaped by backslashes, which a
 * server whose sql_mode has NO_BACKSLASH_ESCAPES reads differently: `'it\'s'` ends after the
 * backslash, so a hostile value runs as SQL. Every MySQL session of Ballast renders its values
 * here instead, through quoteLiteral, whose output means the same under every sql_mode.
 *
 * `escapeOther` renders what is not a string (the driver's own escaping: dates in its configured
 * time zone, buffers as hex); numbers, bigints, booleans and NULL never need it.
 */
export function renderMysqlParams(
  sql: string,
  params: readonly unknown[],
  escapeOther: (value: unknown) => string,
): string {
  if (params.length === 0) return sql;
  let next = 0;
  const out: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const skip = skipQuotedOrComment(sql, i);
    if (skip > i) {
      out.push(sql.slice(i, skip));
      i = skip;
      continue;
    }
    if (c === '?') {
      if (next >= params.length)
        throw new Error(`renderMysqlParams: more ? placeholders than the ${params.length} values given`);
      out.push(renderValue(params[next++], escapeOther));
    } else out.push(c);
    i++;
  }
  if (next !== params.length)
    throw new Error(`renderMysqlParams: ${params.length} values given for ${next} ? placeholders`);
  return out.join('');
}

function renderValue(value: unknown, escapeOther: (value: unknown) => string): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    // quoteLiteral refuses NUL (PostgreSQL text cannot hold it); MySQL strings can, as hex.
    return value.includes('\0')
      ? `_utf8mb4 X'${Buffer.from(value, 'utf8').toString('hex').toUpperCase()}'`
      : quoteLiteral('mysql', value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`renderMysqlParams: ${value} is not a SQL number`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return escapeOther(value);
}

/** The end of the literal, quoted identifier or comment starting at `i`, or `i` if none does. */
function skipQuotedOrComment(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"' || c === '`') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === '\\' && c !== '`') j += 2;
      else if (sql[j] === c) {
        if (sql[j + 1] === c) j += 2;
        else return j + 1;
      } else j++;
    }
    return sql.length;
  }
  if (c === '#' || (c === '-' && sql[i + 1] === '-' && /\s/.test(sql[i + 2] ?? ' '))) {
    const end = sql.indexOf('\n', i);
    return end === -1 ? sql.length : end + 1;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end === -1 ? sql.length : end + 2;
  }
  return i;
}
