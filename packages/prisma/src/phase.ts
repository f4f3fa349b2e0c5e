/**
 * Expand/contract across deploys. A migration.sql holding `-- ballast:phase contract` (it drops
 * what the application used until the expand) is applied only once its expand has been deployed
 * for `--contract-after` (default 1h): every instance of the application has then had time to
 * stop using the old shape. Its expand is `-- ballast:phase contract expand=<migration name>`,
 * or else the nearest earlier migration marked `-- ballast:phase expand`. A contract that must
 * wait is recorded in `ballast_prisma_contracts`, which `ballast status` lists.
 */
import { BallastError, type Session } from '@ballast/core';
import type { PrismaMigration } from './migrations.js';

export const CONTRACTS_TABLE = 'ballast_prisma_contracts';
export const DEFAULT_CONTRACT_AFTER = '1h';

/** A contract marker naming no expand, a missing one, or a malformed duration. */
export class PhaseMarkerError extends BallastError {
  override readonly name = 'PhaseMarkerError';
}

/** The contract's expand is not deployed yet, or not for long enough. */
export class ContractTooEarlyError extends BallastError {
  override readonly name = 'ContractTooEarlyError';
  constructor(
    readonly migration: string,
    readonly expand: string,
    /** When the expand finished; undefined when it is not applied yet. */
    readonly expandFinishedAt: Date | undefined,
    readonly notBefore: Date | undefined,
    where: string,
  ) {
    super(
      expandFinishedAt
        ? `${migration} is a contract: its expand ${expand} was deployed at ${expandFinishedAt.toISOString()}, so it may run from ${notBefore!.toISOString()}. Migrations before it are applied; nothing of it ran.`
        : `${migration} is a contract, but its expand ${expand} is not deployed yet. Migrations before it are applied; nothing of it ran.`,
      {
        where,
        hint: `deploy ${expand} and the application code that stops using what ${migration} removes, then deploy again after the wait (--contract-after <duration>, e.g. 30m, 1h, 2d; BALLAST_CONTRACT_AFTER)`,
      },
    );
  }
}

export type Phase = { readonly kind: 'expand' } | { readonly kind: 'contract'; readonly expand?: string };

const MARKER = /^[ \t]*--[ \t]*ballast:phase[ \t]+(\S+)(.*)$/m;

export function migrationPhase(migration: PrismaMigration): Phase | undefined {
  const m = MARKER.exec(migration.sql);
  if (!m) return undefined;
  const rest = m[2]!.trim();
  if (m[1] === 'expand' && rest === '') return { kind: 'expand' };
  const expand = /^expand=(\S+)$/.exec(rest)?.[1];
  if (m[1] === 'contract' && (rest === '' || expand))
    return expand ? { kind: 'contract', expand } : { kind: 'contract' };
  throw new PhaseMarkerError(`${migration.path}: unknown phase marker \`${m[0].trim()}\``, {
    where: migration.path,
    hint: 'write `-- ballast:phase expand`, `-- ballast:phase contract` or `-- ballast:phase contract expand=<migration name>`',
  });
}

/** The expand a contract waits for: named by the marker, else the nearest earlier expand. */
export function expandOf(migrations: readonly PrismaMigration[], index: number, phase: Phase): string {
  const contract = migrations[index]!;
  const named = phase.kind === 'contract' ? phase.expand : undefined;
  if (named) {
    const i = migrations.findIndex((m) => m.name === named);
    if (i >= 0 && i < index) return named;
    throw new PhaseMarkerError(
      `${contract.path}: expand=${named} is not an earlier migration of this folder`,
      {
        where: contract.path,
        hint: 'name the folder of the migration that added what this contract replaces',
      },
    );
  }
  for (let i = index - 1; i >= 0; i--)
    if (migrationPhase(migrations[i]!)?.kind === 'expand') return migrations[i]!.name;
  throw new PhaseMarkerError(`${contract.path}: a contract migration with no expand before it`, {
    where: contract.path,
    hint: 'mark its expand with `-- ballast:phase expand`, or name it: `-- ballast:phase contract expand=<migration name>`',
  });
}

/** `90s`, `30m`, `1h`, `2d`, `0` → milliseconds. */
export function parseContractAfter(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)?$/.exec(text.trim());
  if (!m || (m[2] === undefined && Number(m[1]) !== 0))
    throw new PhaseMarkerError(`--contract-after ${text}: not a duration`, {
      where: '--contract-after',
      hint: 'use a number with s, m, h or d, e.g. 30m, 1h, 2d (0 for no wait)',
    });
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's']!;
}

const DDL = `create table if not exists ${CONTRACTS_TABLE} (
  migration_name text primary key,
  expand_name text not null,
  expand_finished_at timestamptz,
  not_before timestamptz,
  refused_at timestamptz not null default now())`;

/**
 * Refuses the contract (recording it as pending) unless its expand finished `afterMs` ago,
 * by the database's clock; once allowed, its pending record goes.
 */
export async function checkContract(
  s: Session,
  contract: PrismaMigration,
  expand: string,
  afterMs: number,
): Promise<void> {
  const [row] = await s.query<{ finished_at: Date; not_before: Date; allowed: boolean }>(
    `select finished_at, finished_at + make_interval(secs => $2::float8 / 1000) as not_before,
            finished_at + make_interval(secs => $2::float8 / 1000) <= now() as allowed
       from _prisma_migrations
      where migration_name = $1 and finished_at is not null and rolled_back_at is null
      order by finished_at desc limit 1`,
    [expand, afterMs],
  );
  await s.query(DDL);
  if (row?.allowed) {
    await s.query(`delete from ${CONTRACTS_TABLE} where migration_name = $1`, [contract.name]);
    return;
  }
  await s.query(
    `insert into ${CONTRACTS_TABLE} (migration_name, expand_name, expand_finished_at, not_before)
     values ($1, $2, $3, $4)
     on conflict (migration_name) do update set expand_name = excluded.expand_name,
       expand_finished_at = excluded.expand_finished_at, not_before = excluded.not_before, refused_at = now()`,
    [contract.name, expand, row?.finished_at ?? null, row?.not_before ?? null],
  );
  throw new ContractTooEarlyError(contract.name, expand, row?.finished_at, row?.not_before, contract.path);
}
