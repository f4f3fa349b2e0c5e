import type { Session } from '../../db.js';
import type { Restore, SettingsScope, StepTimeouts } from '../runtime.js';

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

const ms = (n: number) => `'${Math.max(0, Math.floor(n))}ms'`;

/**
 * A step's lock_timeout and statement_timeout, plus the pinned settings, on `session`:
 * SET LOCAL inside a transaction (Ballast's own ends with COMMIT/ROLLBACK; the caller's gets its
 * values back through set_config(..., true) afterwards), session-level SET and RESET outside one.
 */
export async function applyStepSettings(
  session: Session,
  t: StepTimeouts,
  scope: SettingsScope,
): Promise<Restore> {
  if (scope === 'session') {
    await session.query(`SET lock_timeout = ${ms(t.lockTimeoutMs)}`);
    await session.query(`SET statement_timeout = ${ms(t.statementTimeoutMs)}`);
    await session.query(pinSettingsSql(false));
    return async () => {
      await session.query('RESET lock_timeout').catch(() => {});
      await session.query('RESET statement_timeout').catch(() => {});
      await session.query(RESET_PINNED_SQL).catch(() => {});
    };
  }
  const [saved] =
    scope === 'caller-transaction'
      ? await session.query<{ lt: string; st: string; scs: string }>(
          "select current_setting('lock_timeout') as lt, current_setting('statement_timeout') as st, current_setting('standard_conforming_strings') as scs",
        )
      : [];
  await session.query(`SET LOCAL lock_timeout = ${ms(t.lockTimeoutMs)}`);
  await session.query(`SET LOCAL statement_timeout = ${ms(t.statementTimeoutMs)}`);
  await session.query(pinSettingsSql(true));
  if (scope === 'own-transaction') return async () => {};
  // set_config(..., true) = SET LOCAL with a bound value: the caller's own settings come back.
  return async () => {
    await session
      .query(
        "select set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true), set_config('standard_conforming_strings', $3, true)",
        [saved?.lt ?? '0', saved?.st ?? '0', saved?.scs ?? 'on'],
      )
      .catch(() => {});
  };
}
