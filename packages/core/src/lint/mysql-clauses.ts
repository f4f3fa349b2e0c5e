/**
 * MySQL/MariaDB ALTER TABLE statements node-sql-parser rejects as a whole because one clause is
 * outside its grammar (`ALTER COLUMN c SET DEFAULT 1`, `ALGORITHM=NOCOPY`, `RENAME INDEX a TO b`,
 * …): the statement is split into its top-level clauses, each parsed on its own, and the few
 * valid clauses the grammar lacks are read here. A clause neither knows stays unparseable.
 */

/** Top-level commas of `text` (not inside parentheses or quotes). */
function splitClauses(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter(Boolean);
}

const NAME = '(`(?:[^`]|``)+`|[\\w$]+)';
const unquote = (name: string) => (name.startsWith('`') ? name.slice(1, -1).replaceAll('``', '`') : name);

/** The AST node of a clause the grammar lacks, shaped like node-sql-parser's own. */
function knownClause(clause: string): object | undefined {
  const option = /^(algorithm|lock)\s*=?\s*(\w+)$/i.exec(clause);
  if (option) {
    const key = option[1]!.toLowerCase();
    return { type: 'alter', keyword: key, resource: key, [key]: option[2]!.toUpperCase() };
  }
  const alterColumn = new RegExp(
    `^alter\\s+(?:column\\s+)?${NAME}\\s+(set\\s+default\\b.*|drop\\s+default|set\\s+(?:in)?visible)$`,
    'is',
  ).exec(clause);
  if (alterColumn)
    return {
      type: 'alter',
      action: 'alter-column',
      resource: 'column',
      column: unquote(alterColumn[1]!),
      change: alterColumn[2]!.split(/\s+/).slice(0, 2).join(' ').toLowerCase(),
    };
  const renameIndex = new RegExp(`^rename\\s+(?:index|key)\\s+${NAME}\\s+to\\s+${NAME}$`, 'i').exec(clause);
  if (renameIndex)
    return {
      type: 'alter',
      action: 'rename',
      resource: 'index-name',
      old: unquote(renameIndex[1]!),
      name: unquote(renameIndex[2]!),
    };
  // Table options (`KEY_BLOCK_SIZE=8`, `STATS_PERSISTENT 0`, `PAGE_COMPRESSED=1`, …).
  const tableOption = /^(\w+)\s*=?\s*('[^']*'|\w+)$/i.exec(clause);
  if (tableOption && !/^(add|drop|modify|change|alter|rename)$/i.test(tableOption[1]!))
    return {
      type: 'alter',
      resource: 'table-option',
      keyword: tableOption[1]!.toLowerCase(),
      value: tableOption[2],
    };
  return undefined;
}

/**
 * `ALTER TABLE t c1, c2, …` parsed clause by clause with `parseOne` (the grammars); undefined
 * when a clause is neither in the grammar nor known here.
 */
export function parseAlterByClause(sql: string, parseOne: (sql: string) => unknown): object | undefined {
  const head = new RegExp(
    `^alter\\s+(?:online\\s+|ignore\\s+)*table\\s+((?:${NAME}\\.)?${NAME})\\s+`,
    'i',
  ).exec(sql);
  if (!head) return undefined;
  const body = sql.slice(head[0].length).replace(/;\s*$/, '');
  const expr: unknown[] = [];
  let table: unknown;
  for (const clause of splitClauses(body)) {
    const known = knownClause(clause);
    if (known) {
      expr.push(known);
      continue;
    }
    const ast = parseOne(`ALTER TABLE ${head[1]} ${clause}`) as
      | { table?: unknown; expr?: unknown[] }
      | undefined;
    if (!ast?.expr) return undefined;
    table ??= ast.table;
    expr.push(...ast.expr);
  }
  const [db, name] =
    head[1]!.includes('.') && !head[1]!.startsWith('`') ? head[1]!.split('.') : [null, head[1]!];
  return { type: 'alter', table: table ?? [{ db, table: unquote(name!) }], expr };
}
