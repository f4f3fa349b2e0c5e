import { createHash } from 'node:crypto';
import { droppedStamp } from '../ops/drop-guard.js';
import { fitName } from '../ops/shared.js';

/**
 * The names an online copy of `table` uses, all at most 63 bytes (MySQL allows 64; long names
 * are cut with a hash by fitName so two tables never share one):
 * - the shadow table `_<table>_new` (the gh-ost / pt-osc convention);
 * - the old table kept as a backup after the swap, `_<table>_old_<UTC stamp>`;
 * - the three triggers `_<table>_ballast_ins|upd|del`, whose names say they are ours.
 */
export interface CopyNames {
  readonly shadow: string;
  readonly triggers: { readonly insert: string; readonly update: string; readonly delete: string };
}

export function copyNames(table: string): CopyNames {
  return {
    shadow: fitName(`_${table}`, '_new'),
    triggers: {
      insert: fitName(`_${table}`, '_ballast_ins'),
      update: fitName(`_${table}`, '_ballast_upd'),
      delete: fitName(`_${table}`, '_ballast_del'),
    },
  };
}

export const oldTableName = (table: string, at: Date) => fitName(`_${table}`, `_old_${droppedStamp(at)}`);

/** The checkpoint job of a copy: the table and its ALTER clauses, so another change never resumes it. */
export function defaultCopyJob(label: string, alter: readonly string[]): string {
  const hash = createHash('sha256').update(alter.join('\n')).digest('hex').slice(0, 12);
  return `online-copy:${label}:${hash}`;
}
