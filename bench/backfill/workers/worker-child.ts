/**
 * One backfill worker process, for the kill -9 test and the workers bench:
 *   node --conditions=ballast-source --import tsx worker-child.ts <url> <job> <worker-id>
 * Runs ranges until the job is finished, then prints its result as one JSON line.
 */
import { postgresDatabaseFromUrl, runBackfillWorker } from '@ballast/core';

const [url, job, workerId] = process.argv.slice(2);
if (!url || !job || !workerId) throw new Error('usage: worker-child.ts <url> <job> <worker-id>');
const db = postgresDatabaseFromUrl(url, { max: 4 });
const result = await runBackfillWorker(db, { job, workerId, pollSeconds: 0.5, maintenanceSeconds: 1 });
await db.close?.();
process.stdout.write(`${JSON.stringify(result)}\n`);
