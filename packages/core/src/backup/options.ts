/**
 * The options of the backup functions, apart from them: validate/run.ts checks its schemas against
 * these types, and the functions import validate/run.ts (types here keep that free of cycles).
 */
import type { ProgressReporter } from '../report/progress.js';
import type { RunOptions } from '../run/options.js';
import type { DdlOptions } from './ddl.js';

export interface BackupOptions extends DdlOptions {
  /** Recorded so the migration's `down()` can find its own backup. */
  readonly migration?: string | undefined;
  /** Days before `purgeBackups({ expiredOnly: true })` may remove it. Default 7. */
  readonly retentionDays?: number | undefined;
  readonly batchSize?: number | undefined;
  readonly progress?: ProgressReporter | undefined;
  /**
   * Restore only the column and its values, leaving its default and NOT NULL to the caller (who
   * first fills rows written since the drop, e.g. undoing a contract). Default false.
   */
  readonly valuesOnly?: boolean | undefined;
}

export interface DropWithBackupOptions extends BackupOptions {
  /** Runner options for the drop step itself (journal key, log, migrator lock). */
  readonly run?: RunOptions | undefined;
}
