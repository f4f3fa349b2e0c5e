import type { Session } from '../../db.js';

/**
 * Settings every Ballast statement on PostgreSQL runs under, whatever the role or database
 * defaults say. `standard_conforming_strings = on` makes SQL you wrote (`{ sql }` defaults,
 * backfill expressions) and defaults read back with pg_get_expr mean the same in every session:
 * with it off, a backslash in '...' starts an escape, so `'C:\new'` would store a newline.
 * Literals Ballast renders itself are safe under both values (quoteLiteral); this pins the rest.
 */
export const PINNED_SETTINGS: readonly (readonly [name: string, value: string])[] = [
  ['standard_conforming_strings', 'on'],
];

/** One statement applying the pinned settings; `local`: until the end of the transaction. */
export function pinSettingsSql(local: boolean): string {
  return `select ${PINNED_SETTINGS.map(([name, value]) => `set_config('${name}', '${value}', ${local})`).join(', ')}`;
}

/** Back to the role/database defaults after a session-level pin. */
export const RESET_PINNED_SQL = PINNED_SETTINGS.map(([name]) => `reset ${name}`).join('; ');

/**
 * Runs `fn` with the pinned settings on `session`, then puts back what the session had. For
 * catalog reads whose text is later run as SQL: pg_get_expr writes '...' literals for the
 * reading session's standard_conforming_strings (never E''), so read and run must agree.
 */
export async function withPinnedSettings<T>(session: Session, fn: () => Promise<T>): Promise<T> {
  const names = PINNED_SETTINGS.map(([name]) => name);
  const [was] = await session.query<Record<string, string>>(
    `select ${names.map((name, i) => `current_setting('${name}') as s${i}`).join(', ')}`,
  );
  if (PINNED_SETTINGS.every(([, value], i) => was?.[`s${i}`] === value)) return fn();
  await session.query(pinSettingsSql(false));
  try {
    return await fn();
  } finally {
    await session
      .query(
        `select ${names.map((name, i) => `set_config('${name}', $${i + 1}, false)`).join(', ')}`,
        names.map((_, i) => was?.[`s${i}`]),
      )
      .catch(() => {});
  }
}
