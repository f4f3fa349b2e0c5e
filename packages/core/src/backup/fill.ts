import { runBackfill } from '../backfill/index.js';
import type { Database } from '../db.js';
import { qtable, quoteIdent } from '../dialects/quote.js';
import type { TableRef } from '../dialects/table-ref.js';
import { reportAs } from '../report/progress.js';
import type { BackupOptions } from './options.js';

/**
 * Restore's writes into the live table (values from a backup, a default into rows written since
 * the drop) as backfills: batches on the backfill loop with its checkpoint under `job`, so an
 * interrupted restore resumes. Inside the caller's transaction no batch can commit on its own:
 * one UPDATE.
 */
export async function fillColumn(
  db: Database,
  ref: TableRef,
  column: string,
  fill: {
    readonly value: string;
    readonly where: string;
    readonly job: string;
    /** How progress names it (default backfill). */
    readonly operation?: 'restore';
  },
  options: Pick<BackupOptions, 'batchSize' | 'progress'>,
): Promise<void> {
  if (db.inTransaction) {
    await db.withSession((s) =>
      s.query(
        `update ${qtable(ref)} set ${quoteIdent('postgres', column)} = (${fill.value}) where ${fill.where}`,
      ),
    );
    return;
  }
  await runBackfill(
    db,
    {
      table: ref.table,
      ...(ref.schema ? { schema: ref.schema } : {}),
      set: { [column]: fill.value },
      where: fill.where,
    },
    {
      job: fill.job,
      ...(options.batchSize !== undefined ? { initialBatchSize: options.batchSize } : {}),
      ...(options.progress ? { progress: reportAs(fill.operation ?? 'backfill', options.progress) } : {}),
    },
  );
}
