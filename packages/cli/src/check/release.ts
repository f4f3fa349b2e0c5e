/** Release-level findings: the linter on the pending files, and expand + contract in one release. */
import { join } from 'node:path';
import { loadPgParser } from '@ballast/core/lint';
import type pg from 'pg';
import { toCaptured } from '../knex-capture.js';
import { lintKnex } from '../lint-command.js';
import type { MigrationOutcome } from './apply.js';
import type { Finding } from './findings.js';

/**
 * The linter on the SQL each pending migration's up() sent through Knex on the copy, with the lint
 * command's own Knex path (lintKnex): the same findings `ballast lint --knex` gives, but from the
 * target's schema rather than from a history replayed on an empty database.
 */
export async function lintFindings(
  dir: string,
  outcomes: readonly MigrationOutcome[],
  pgVersion: number,
): Promise<Finding[]> {
  await loadPgParser();
  return outcomes.flatMap((o) => {
    // Helpers-only migrations send their SQL through Ballast's runner, not Knex: nothing to lint.
    if (o.captured.length === 0) return [];
    const path = join(dir, o.name);
    const report = lintKnex(
      { path, kind: 'knex', transaction: 'wrapped' },
      toCaptured(o.captured, o.transaction),
      {
        dialect: 'postgres',
        pgVersion,
      },
    );
    return report.findings.map((x) => ({
      severity: x.severity === 'error' ? ('error' as const) : ('warning' as const),
      rule: `lint/${x.rule}`,
      migration: o.name,
      message: x.message,
    }));
  });
}

const EXISTS = `select to_regclass('ballast_expansions') is not null as ok`;

/** The newest ballast_expansions id before the migrations run (0 when the table does not exist). */
export async function expansionsMark(copy: pg.Client): Promise<number> {
  if (!(await copy.query<{ ok: boolean }>(EXISTS)).rows[0]?.ok) return 0;
  const { rows } = await copy.query<{ id: number }>(
    'select coalesce(max(id), 0)::int as id from ballast_expansions',
  );
  return rows[0]!.id;
}

/**
 * An expansion opened and contracted by migrations of this release: between the two, every running
 * instance of the old release still reads the old column, which the contract just dropped.
 */
export async function expandContractFindings(copy: pg.Client, since: number): Promise<Finding[]> {
  if (!(await copy.query<{ ok: boolean }>(EXISTS)).rows[0]?.ok) return [];
  const { rows } = await copy.query<{ t: string; old: string; new: string; migration: string | null }>(
    `select distinct table_name as t, old_column as old, new_column as new, migration
       from ballast_expansions where id > $1 and status = 'contracted' order by 1, 2`,
    [since],
  );
  return rows.map((r) => ({
    severity: 'error' as const,
    rule: 'expand-and-contract-in-one-release',
    migration: (r.migration ?? '').replace(/[@#].*$/, ''),
    message: `${r.t}.${r.old} → ${r.new} is expanded and contracted in the same release: the release still running during the deploy reads ${r.old}, which the contract drops; deploy the contract in a later release`,
  }));
}
