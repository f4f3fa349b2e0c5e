/** `ballast verify <table> <old> <new>`: shadow verification of an expansion before its contract. */
import {
  consoleProgress,
  type Database,
  pendingContractions,
  tableRef,
  type VerifyResult,
  verifyExpansion,
} from '@ballast/core';
import { docPath } from '@ballast/core/adapter';
import { DB_OPTIONS_HELP, type DbArgs, runDbCommand } from './db-command.js';
import { count, json } from './format.js';
import type { Io } from './io.js';
import { UsageError } from './lint-args.js';

export const VERIFY_USAGE = `usage: ballast verify <table> <old column> <new column> [options]

Shadow verification of an expand/contract in progress (renameColumn / changeColumnType, awaiting
its contract): reads every row in keyset batches and checks that the conversion recorded by the
expand, applied to <old column>, equals <new column> (NULL equals NULL). Read-only on the table;
the result is recorded in ballast_verifications, and contract() refuses while the latest
verification found mismatches (ignoreVerifyMismatches: true overrides). See ${docPath('rollouts.md')} for the dual-write → verify → cut over → contract sequence.

options:
  --schema NAME        the table's schema (default: the server's search_path decides)
  --max-keys N         keys of mismatching rows to list (default 100); every mismatch is counted
  --batch-size N       rows in the first batch (default 1000; the size adapts to ~100 ms batches)
${DB_OPTIONS_HELP}

Exit status 0 when every row matches, 1 on mismatches or when the database cannot be read, 2 on
usage errors.
`;

const positiveInt = (value: string | boolean | undefined, option: string) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${option} ${value}: use a whole number > 0`);
  return n;
};

export const runVerify = (argv: readonly string[], io: Io) =>
  runDbCommand(
    {
      name: 'verify',
      usage: VERIFY_USAGE,
      mysql:
        'shadow verification reads the expansions recorded by PostgreSQL expand/contract (ballast_expansions)',
      options: {
        schema: { type: 'string' },
        'max-keys': { type: 'string' },
        'batch-size': { type: 'string' },
      },
      check: (args) => {
        if (args.positionals.length !== 3)
          throw new UsageError(
            `expected <table> <old column> <new column>, got ${args.positionals.length} arguments`,
          );
        positiveInt(args.values['max-keys'], '--max-keys');
        positiveInt(args.values['batch-size'], '--batch-size');
      },
      async run(db, args, out) {
        const result = await verify(db, args);
        out.stdout.write(args.json ? json(result) : render(result));
        return result.status === 'clean' ? 0 : 1;
      },
    },
    argv,
    io,
  );

async function verify(db: Database, args: DbArgs): Promise<VerifyResult> {
  const [table, oldColumn, newColumn] = args.positionals as [string, string, string];
  const ref = tableRef(table, args.values.schema as string | undefined);
  const pending = (await pendingContractions(db, { table: ref.table, column: oldColumn })).filter(
    (e) => (ref.schema === undefined || e.schema === ref.schema) && e.oldColumn === oldColumn,
  );
  if (!pending.some((e) => e.newColumn === newColumn)) {
    const other = pending[0];
    throw new UsageError(
      other
        ? `${table}.${oldColumn} is being expanded into ${other.newColumn}, not ${newColumn}`
        : `no expansion of ${table}.${oldColumn} awaits its contract (ballast status lists them)`,
    );
  }
  const maxKeys = positiveInt(args.values['max-keys'], '--max-keys');
  const batch = positiveInt(args.values['batch-size'], '--batch-size');
  return verifyExpansion(
    db,
    { ...ref, column: oldColumn },
    {
      ...(maxKeys ? { maxKeys } : {}),
      ...(batch ? { initialBatchSize: batch } : {}),
      progress: consoleProgress(process.stderr),
    },
  );
}

function render(r: VerifyResult): string {
  const e = r.expansion;
  const head = `${e.schema}.${e.table}: ${e.oldColumn} → ${e.newColumn} (${e.kind}), verification ${r.verificationId}`;
  if (r.status === 'clean')
    return `${head}\n  clean: ${count(r.rowsChecked)} rows checked, every one matches\n`;
  const keys = r.mismatchKeys.map((k) => `    ${r.keyColumns.map((c, i) => `${c}=${k[i]}`).join(', ')}\n`);
  const more = r.mismatches - r.mismatchKeys.length;
  return `${head}
  ${r.status === 'cancelled' ? 'cancelled' : 'MISMATCHES'}: ${count(r.mismatches)} of ${count(r.rowsChecked)} rows checked differ
${keys.join('')}${more > 0 ? `    … and ${count(more)} more\n` : ''}  contract refuses until a verification is clean (fix the rows, run ballast verify again)
`;
}
