import { quoteIdent, quoteQualified } from '../dialects/quote.js';
import type { CopyNames } from './names.js';

const q = (name: string) => quoteIdent('mysql', name);

/**
 * The three AFTER triggers that keep the shadow equal to the table while the copy runs (the
 * pt-online-schema-change approach): each runs inside the application's own statement, so the
 * shadow changes in the same transaction as the row. REPLACE makes an insert or update win over a
 * row the copy put there earlier; an update that changes the key removes the old key's row first.
 */
export function triggerStatements(
  schema: string,
  table: string,
  names: CopyNames,
  key: readonly string[],
  columns: readonly string[],
): { readonly name: string; readonly sql: string }[] {
  const t = quoteQualified('mysql', { schema, name: table });
  const shadow = quoteQualified('mysql', { schema, name: names.shadow });
  const list = columns.map(q).join(', ');
  const values = (row: 'NEW') => columns.map((c) => `${row}.${q(c)}`).join(', ');
  const keyIs = (row: 'OLD') => key.map((k) => `${q(k)} <=> ${row}.${q(k)}`).join(' AND ');
  const keyChanged = key.map((k) => `NOT (OLD.${q(k)} <=> NEW.${q(k)})`).join(' OR ');
  const replace = `REPLACE INTO ${shadow} (${list}) VALUES (${values('NEW')})`;
  return [
    {
      name: names.triggers.insert,
      sql: `CREATE TRIGGER ${q(names.triggers.insert)} AFTER INSERT ON ${t} FOR EACH ROW ${replace}`,
    },
    {
      name: names.triggers.update,
      sql: `CREATE TRIGGER ${q(names.triggers.update)} AFTER UPDATE ON ${t} FOR EACH ROW BEGIN
  IF ${keyChanged} THEN DELETE IGNORE FROM ${shadow} WHERE ${keyIs('OLD')}; END IF;
  ${replace};
END`,
    },
    {
      name: names.triggers.delete,
      sql: `CREATE TRIGGER ${q(names.triggers.delete)} AFTER DELETE ON ${t} FOR EACH ROW DELETE IGNORE FROM ${shadow} WHERE ${keyIs('OLD')}`,
    },
  ];
}

export const dropTriggerSql = (schema: string, name: string) =>
  `DROP TRIGGER IF EXISTS ${quoteQualified('mysql', { schema, name })}`;
