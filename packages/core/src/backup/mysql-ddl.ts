import type { Database, Session } from '../db.js';
import { quoteQualified } from '../dialects/quote.js';
import type { TableRef } from '../dialects/table-ref.js';
import { sqlStep } from '../ops/shared.js';
import { freezePlan, type SqlStep } from '../plan.js';
import type { RunOptions } from '../run/options.js';
import { runPlan } from '../run/run-plan.js';

/** The MySQL backup functions' DDL: one statement per runner plan (lock_wait_timeout, retries, blockers). */
export const mysqlDdlStep = (id: string, description: string, relation: TableRef, sql: string): SqlStep =>
  sqlStep({
    id,
    description,
    lock: 'METADATA EXCLUSIVE',
    relations: [relation],
    transactional: true,
    timeout: 'ddl',
    sql,
  });

export const runOneStep = (db: Database, s: SqlStep, run: RunOptions) =>
  runPlan(db, freezePlan({ operation: 'backup', target: s.id, steps: [s], reverse: [], notes: [] }), run);

export const tableOf = (schema: string, name: string) => quoteQualified('mysql', { schema, name });

export async function tableExists(db: Database, schema: string, table: string): Promise<boolean> {
  const [row] = await db.withSession((s) =>
    s.query<{ n: number }>(
      'select count(*) as n from information_schema.TABLES where TABLE_SCHEMA = ? and TABLE_NAME = ?',
      [schema, table],
    ),
  );
  return Number(row?.n) > 0;
}

export const currentDatabase = async (s: Session) =>
  String((await s.query<{ d: string }>('select database() as d'))[0]!.d);

/**
 * The first of `candidate(0)`, `candidate(1)`, … that no table of `schema` has: set-aside names
 * carry a stamp to the second, and an up → down → up can keep two in the same second.
 */
export async function unusedTableName(
  db: Database,
  schema: string,
  candidate: (n: number) => string,
): Promise<string> {
  for (let n = 0; ; n++) {
    const name = candidate(n);
    if (!(await tableExists(db, schema, name))) return name;
  }
}
