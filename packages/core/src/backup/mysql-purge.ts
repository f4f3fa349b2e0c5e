import type { Database } from '../db.js';
import { quoteQualified } from '../dialects/quote.js';
import { sqlStep } from '../ops/shared.js';
import { freezePlan } from '../plan.js';
import { runPlan } from '../run/run-plan.js';
import type { BackupRecord } from './catalog.js';
import { innerRunOptions } from './ddl.js';
import type { PurgeOptions } from './index.js';
import { selectMysqlBackups, setMysqlBackupStatus } from './mysql-catalog.js';

/** purgeBackups on MySQL/MariaDB: DROP TABLE of each kept table through the runner, row `purged`. */
export async function purgeMysqlBackups(db: Database, options: PurgeOptions): Promise<BackupRecord[]> {
  const expiredOnly = options.expiredOnly ?? true;
  const candidates = await db.withSession(async (s) => {
    const all = await selectMysqlBackups(s, {});
    if (options.ids) return all.filter((b) => options.ids!.includes(b.id));
    if (!expiredOnly) return all;
    const [row] = await s.query<{ now: Date }>('select current_timestamp(6) as now');
    const now = options.now ?? row!.now;
    return all.filter((b) => b.expiresAt.getTime() <= now.getTime());
  });
  for (const b of candidates) {
    const relation = { schema: b.backupSchema, table: b.backupTable };
    const step = sqlStep({
      id: `purge-backup:${b.id}`,
      description: `drop ${b.backupSchema}.${b.backupTable}, the data of backup ${b.id}`,
      lock: 'METADATA EXCLUSIVE',
      relations: [relation],
      transactional: true,
      timeout: 'ddl',
      sql: `DROP TABLE IF EXISTS ${quoteQualified('mysql', { schema: b.backupSchema, name: b.backupTable })}`,
    });
    await runPlan(
      db,
      freezePlan({ operation: 'purge-backup', target: b.backupTable, steps: [step], reverse: [], notes: [] }),
      innerRunOptions(options),
    );
    await db.withSession((s) => setMysqlBackupStatus(s, b.id, 'purged'));
  }
  return candidates.map((b) => ({ ...b, status: 'purged' as const }));
}
