import type { Database } from '../db.js';
import { primaryKey, readColumn, regclassName, type TableName } from '../dialects/pg-introspect.js';
import { quoteIdent } from '../dialects/quote.js';
import { BallastError } from '../errors.js';
import { copyInKeyBatches } from './batches.js';
import { type DdlOptions, runDdl } from './ddl.js';

const qi = (name: string) => quoteIdent('postgres', name);

/**
 * NOT NULL on a column that was just filled, without a full scan under ACCESS EXCLUSIVE:
 * CHECK (c IS NOT NULL) NOT VALID (instant) → VALIDATE (scan, writes go on) → SET NOT NULL
 * (PG >= 12 uses the valid check instead of scanning) → drop the check. On PG < 12 the validated
 * check stays as the constraint. Rows that are still NULL get the column default first.
 * TODO(integration): use core-pg's notNullSteps via runPlan once merged (PG 18 NOT VALID path).
 */
export async function restoreNotNull(
  db: Database,
  ref: TableName,
  column: string,
  hasDefault: boolean,
  where: string,
  options: DdlOptions & { batchSize?: number | undefined } = {},
): Promise<void> {
  const t = regclassName(ref);
  const c = qi(column);
  const [info, keys, version] = await db.withSession(async (s) => {
    const [v] = await s.query<{ n: string }>("select current_setting('server_version_num') as n");
    return [await readColumn(s, ref, column), await primaryKey(s, ref), Number(v!.n)] as const;
  });
  if (info?.notNull) return;
  if (hasDefault && keys.length > 0) {
    const match = keys.map((k) => `ballast_t.${qi(k.name)} = batch.${qi(k.name)}`).join(' and ');
    await copyInKeyBatches(
      db,
      {
        operation: 'fill-default',
        target: `${ref.table}.${column}`,
        from: t,
        keys,
        columns: [],
        write: `update ${t} as ballast_t set ${c} = default from batch where ${match} and ballast_t.${c} is null`,
      },
      options,
    );
  }
  const check = qi(`ballast_${column}_not_null`.slice(0, 63));
  await runDdl(
    db,
    [{ sql: `alter table ${t} add constraint ${check} check (${c} is not null) not valid` }],
    where,
    options,
  );
  try {
    await runDdl(db, [{ sql: `alter table ${t} validate constraint ${check}` }], where, options);
  } catch (error) {
    await runDdl(db, [{ sql: `alter table ${t} drop constraint if exists ${check}` }], where, options);
    throw new BallastError(
      `${where}: NOT NULL could not be restored on ${ref.table}.${column}: some rows have no value`,
      {
        where: `${ref.table}.${column}`,
        hint: 'rows written after the drop have no value and the column had no default: fill them, then SET NOT NULL',
        cause: error,
      },
    );
  }
  if (version < 120000) return;
  await runDdl(
    db,
    [
      { sql: `alter table ${t} alter column ${c} set not null` },
      { sql: `alter table ${t} drop constraint ${check}` },
    ],
    where,
    options,
  );
}
