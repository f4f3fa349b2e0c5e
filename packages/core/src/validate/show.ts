/**
 * A value as people read it in an error message. Never throws: cycles, BigInt, functions,
 * symbols and SQL fragment objects (anything with `toSQL()`, e.g. `knex.raw`) are all shown.
 */
export function showValue(value: unknown, maxLength = 80): string {
  const text = render(value, new Set(), 0);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function render(value: unknown, seen: Set<object>, depth: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return value.name ? `function ${value.name}` : 'a function';
    case 'symbol':
      return value.toString();
    case 'undefined':
      return 'undefined';
    case 'number':
    case 'boolean':
      return String(value);
  }
  if (value === null) return 'null';
  const object = value as object;
  if (seen.has(object)) return '[circular]';
  const raw = sqlFragmentText(object);
  if (raw !== undefined) return `raw(${JSON.stringify(raw)})`;
  if (object instanceof Date)
    return `Date(${Number.isNaN(object.getTime()) ? 'invalid' : object.toISOString()})`;
  if (depth > 3) return Array.isArray(object) ? '[…]' : '{…}';
  seen.add(object);
  try {
    if (Array.isArray(object)) return `[${object.map((v) => render(v, seen, depth + 1)).join(', ')}]`;
    const entries = Object.entries(object).map(([k, v]) => `${k}: ${render(v, seen, depth + 1)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  } finally {
    seen.delete(object);
  }
}

/** The SQL text of a query-builder fragment (`knex.raw`, `knex.fn.now()`), or undefined. */
export function sqlFragmentText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const toSQL = (value as { toSQL?: unknown }).toSQL;
  if (typeof toSQL !== 'function') return undefined;
  try {
    const compiled = toSQL.call(value) as { sql?: unknown };
    return typeof compiled?.sql === 'string' ? compiled.sql : undefined;
  } catch {
    return undefined;
  }
}
