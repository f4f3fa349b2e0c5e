import { z } from 'zod';
import { loopOptionsOf } from '../backfill/index.js';
import { runBatchLoop } from '../backfill/loop.js';
import { keysetPager } from '../backfill/pg/pagers.js';
import { isTransientPgError } from '../backfill/pg/transaction.js';
import type { BackfillSource, Cursor } from '../backfill/types.js';
import type { Database, Session } from '../db.js';
import { estimateRows, readTable, type TableInfo } from '../dialects/postgres/introspect.js';
import { qi } from '../dialects/quote.js';
import { requireDatabaseDialect } from '../dialects/server.js';
import { displayName, requireTableColumn, type TableRef } from '../dialects/table-ref.js';
import { BallastError, UnsafeOperationError } from '../errors.js';
import type { ProgressReporter } from '../report/progress.js';
import { milliseconds, name, positiveInt, progressReporter, tableRef } from '../validate/common.js';
import { parseCall } from '../validate/parse.js';
import { database } from '../validate/run.js';
import { type ExpansionRecord, findExpansion } from './catalog.js';
import {
  ensureVerificationsTable,
  finishVerification,
  latestVerification,
  startVerification,
  VERIFICATIONS_TABLE,
  type VerificationRecord,
} from './verifications.js';

/**
 * Shadow verification of an expansion before its contract: over every row, in keyset batches on
 * the backfill loop (pacing, retries, progress), the expansion's recorded forward conversion of
 * the old column must equal the new column. Read-only on the table; the result is recorded in
 * ballast_verifications, and contract() refuses while the latest one found mismatches.
 */
export interface VerifyOptions {
  /** Keys of mismatching rows kept in the result and the record. Default 100; every mismatch is counted. */
  readonly maxKeys?: number;
  /** Rows in the first batch (the size then adapts toward targetBatchMs). Default 1000. */
  readonly initialBatchSize?: number;
  readonly maxBatchSize?: number;
  readonly targetBatchMs?: number;
  readonly progress?: ProgressReporter;
  /** Stops after the current batch; the run is recorded as cancelled (it says nothing). */
  readonly signal?: AbortSignal;
}

export interface VerifyResult {
  readonly expansion: ExpansionRecord;
  /** The row of ballast_verifications this run wrote. */
  readonly verificationId: number;
  readonly status: 'clean' | 'mismatches' | 'cancelled';
  readonly rowsChecked: number;
  readonly mismatches: number;
  /** The key columns the keys below are made of, in order. */
  readonly keyColumns: readonly string[];
  /** Keys (values as text) of the first `maxKeys` mismatching rows. */
  readonly mismatchKeys: readonly (readonly string[])[];
}

const verifyOptions = z
  .strictObject({
    maxKeys: positiveInt.optional(),
    initialBatchSize: positiveInt.optional(),
    maxBatchSize: positiveInt.optional(),
    targetBatchMs: milliseconds.optional(),
    progress: progressReporter.optional(),
    signal: z.instanceof(AbortSignal).optional(),
  })
  .readonly();
const verifyArgs = {
  db: database,
  ref: z.strictObject({ ...tableRef, column: name }).readonly(),
  options: verifyOptions,
};

/** `column` may be the old or the new column of an expansion awaiting its contract. */
export async function verifyExpansion(
  db: Database,
  ref: TableRef & { readonly column: string },
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  parseCall('verifyExpansion', verifyArgs, [db, ref, options]);
  requireDatabaseDialect(db, 'postgres', 'verifyExpansion');
  const expansion = await findExpansion(db, ref, ref.column, 'expanded');
  const where = `verify ${displayName({ table: expansion.table, schema: expansion.schema })}.${expansion.oldColumn} → ${expansion.newColumn}`;
  const info = await db.withSession((s) =>
    readTable(s, { table: expansion.table, schema: expansion.schema }, where),
  );
  requireTableColumn(info, expansion.oldColumn, where);
  requireTableColumn(info, expansion.newColumn, where);
  if (info.key.length === 0) {
    throw new UnsafeOperationError(`${where}: ${info.label} has no primary key or NOT NULL unique index`, {
      where: info.label,
      hint: 'mismatches are reported by key: add a primary key, or compare the columns with your own query',
    });
  }
  await ensureVerificationsTable(db);
  const id = await db.withSession((s) => startVerification(s, expansion));
  const maxKeys = options.maxKeys ?? 100;
  const found = { mismatches: 0, keys: [] as string[][] };
  const source = verifySource(db, info, expansion, found, maxKeys);
  const loop = await runBatchLoop(
    source,
    loopOptionsOf({ ...options, progress: options.progress }, `verify:${expansion.id}:${id}`, []),
  );
  const status: VerifyResult['status'] =
    loop.status === 'cancelled' ? 'cancelled' : found.mismatches > 0 ? 'mismatches' : 'clean';
  const result = { status, rowsChecked: loop.rowsDone, mismatches: found.mismatches, sampleKeys: found.keys };
  await db.withSession((s) => finishVerification(s, id, result));
  return {
    expansion,
    verificationId: id,
    status,
    rowsChecked: result.rowsChecked,
    mismatches: result.mismatches,
    keyColumns: info.key.map((k) => k.name),
    mismatchKeys: found.keys,
  };
}

/**
 * `new IS DISTINCT FROM forward(old)`, the old column bound by name as the sync trigger binds it
 * (no text substitution inside the user's SQL): NULL on both sides is equal.
 */
export function mismatchSql(e: Pick<ExpansionRecord, 'oldColumn' | 'newColumn' | 'forward'>, row: string) {
  const old = `${row}.${qi(e.oldColumn)}`;
  const converted =
    e.forward === null
      ? old
      : `(select (${e.forward}) from (select ${old}) as ballast_row(${qi(e.oldColumn)}))`;
  return `${row}.${qi(e.newColumn)} is distinct from ${converted}`;
}

/** A read-only source for the batch loop: no checkpoint (a verification always covers every row). */
function verifySource(
  db: Database,
  info: TableInfo,
  e: ExpansionRecord,
  found: { mismatches: number; keys: string[][] },
  maxKeys: number,
): BackfillSource {
  const pager = keysetPager(info);
  const keys = info.key.map((k, i) => `ballast_t.${qi(k.name)}::text as ballast_k${i}`).join(', ');
  let session: Session | undefined;
  let upper: Cursor | undefined;
  const use = () => session!;
  return {
    target: info.label,
    paging: pager.paging,
    hold: (fn) =>
      db.withSession((s) => {
        session = s;
        return fn();
      }),
    estimate: () => estimateRows(use(), info),
    async open() {
      upper = await pager.upperBound(use());
      const estimatedRows = await estimateRows(use(), info);
      return { state: upper ? 'new' : 'done', cursor: undefined, rowsDone: 0, estimatedRows };
    },
    async processBatch(_job, cursor, limit) {
      const params: unknown[] = [];
      const range = pager.range(cursor, upper!, limit, params);
      const rows = await use().query<Record<string, string> & { ballast_mismatch: boolean }>(
        `select ${keys}, ${mismatchSql(e, 'ballast_t')} as ballast_mismatch
           from ${info.sql} as ballast_t where ${range.where} ${range.orderLimit}`,
        params,
      );
      const keyOf = (r: Record<string, string>) => info.key.map((_, i) => r[`ballast_k${i}`]!);
      for (const r of rows) {
        if (!r.ballast_mismatch) continue;
        found.mismatches += 1;
        if (found.keys.length < maxKeys) found.keys.push(keyOf(r));
      }
      const last = rows[rows.length - 1];
      return {
        rows: rows.length,
        changed: 0,
        cursor: last ? keyOf(last) : cursor,
        done: rows.length < limit,
      };
    },
    async close() {},
    isTransient: isTransientPgError,
  };
}

/** contract() refused: the latest verification of the expansion found rows where new ≠ forward(old). */
export class VerificationMismatchError extends BallastError {
  override readonly name = 'VerificationMismatchError';
  constructor(
    readonly expansion: ExpansionRecord,
    readonly verification: VerificationRecord,
  ) {
    const table = displayName({ table: expansion.table, schema: expansion.schema });
    const keys = verification.sampleKeys
      .slice(0, 5)
      .map((k) => `(${k.join(', ')})`)
      .join(', ');
    super(
      `contract ${table}.${expansion.oldColumn} → ${expansion.newColumn}: verification ${verification.id} found ` +
        `${verification.mismatches} of ${verification.rowsChecked} rows where ${expansion.newColumn} differs from ` +
        `the converted ${expansion.oldColumn} (keys ${keys}${verification.mismatches > 5 ? ', …' : ''}); dropping ` +
        `${expansion.oldColumn} now would keep the wrong values. Nothing was changed.`,
      {
        where: `${table}.${expansion.newColumn}`,
        hint:
          `fix those rows (or the writer that made them), run \`ballast verify ${expansion.table} ${expansion.oldColumn} ` +
          `${expansion.newColumn}\` again until it is clean, then contract; to contract anyway pass ` +
          `ignoreVerifyMismatches: true (${VERIFICATIONS_TABLE} keeps the record).`,
      },
    );
  }
}

/** The contract gate: the latest finished verification, if any, must be clean. */
export async function requireCleanVerification(session: Session, e: ExpansionRecord): Promise<void> {
  const last = await latestVerification(session, e.id);
  if (last && last.status === 'mismatches') throw new VerificationMismatchError(e, last);
}
