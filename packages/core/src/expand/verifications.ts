import type { Database, Session } from '../db.js';
import { ensureTable } from '../run/ensure-table.js';

/**
 * `ballast_verifications`: one row per `verify` run over an expansion (shadow verification),
 * kept in the migrated database like every Ballast record. contract() reads the latest one.
 */
export const VERIFICATIONS_TABLE = 'ballast_verifications';

const DDL = `create table if not exists ${VERIFICATIONS_TABLE} (
  id bigserial primary key,
  expansion_id bigint not null,
  table_schema text not null,
  table_name text not null,
  old_column text not null,
  new_column text not null,
  status text not null default 'running' check (status in ('running', 'clean', 'mismatches', 'cancelled')),
  rows_checked bigint not null default 0,
  mismatches bigint not null default 0,
  sample_keys jsonb not null default '[]',
  started_at timestamptz not null default now(),
  finished_at timestamptz)`;

export interface VerificationRecord {
  readonly id: number;
  readonly expansionId: number;
  readonly status: 'running' | 'clean' | 'mismatches' | 'cancelled';
  readonly rowsChecked: number;
  readonly mismatches: number;
  /** Keys of the first mismatching rows (each a list of key column values as text). */
  readonly sampleKeys: readonly (readonly string[])[];
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
}

export const ensureVerificationsTable = (db: Database) => ensureTable(db, VERIFICATIONS_TABLE, DDL);

export async function startVerification(
  session: Session,
  e: { id: number; schema: string; table: string; oldColumn: string; newColumn: string },
): Promise<number> {
  const [row] = await session.query<{ id: string }>(
    `insert into ${VERIFICATIONS_TABLE} (expansion_id, table_schema, table_name, old_column, new_column)
     values ($1, $2, $3, $4, $5) returning id`,
    [e.id, e.schema, e.table, e.oldColumn, e.newColumn],
  );
  return Number(row!.id);
}

export async function finishVerification(
  session: Session,
  id: number,
  result: Pick<VerificationRecord, 'status' | 'rowsChecked' | 'mismatches' | 'sampleKeys'>,
): Promise<void> {
  await session.query(
    `update ${VERIFICATIONS_TABLE} set status = $2, rows_checked = $3, mismatches = $4,
            sample_keys = $5::jsonb, finished_at = now() where id = $1`,
    [id, result.status, result.rowsChecked, result.mismatches, JSON.stringify(result.sampleKeys)],
  );
}

interface Row {
  id: string;
  expansion_id: string;
  status: VerificationRecord['status'];
  rows_checked: string;
  mismatches: string;
  sample_keys: string[][];
  started_at: Date;
  finished_at: Date | null;
}

/** The latest finished verification of an expansion (a running or cancelled one says nothing). */
export async function latestVerification(
  session: Session,
  expansionId: number,
): Promise<VerificationRecord | undefined> {
  const [exists] = await session.query<{ ok: boolean }>('select to_regclass($1) is not null as ok', [
    VERIFICATIONS_TABLE,
  ]);
  if (!exists!.ok) return undefined;
  const [row] = await session.query<Row>(
    `select * from ${VERIFICATIONS_TABLE} where expansion_id = $1 and status in ('clean', 'mismatches')
      order by id desc limit 1`,
    [expansionId],
  );
  return row && toRecord(row);
}

const toRecord = (r: Row): VerificationRecord => ({
  id: Number(r.id),
  expansionId: Number(r.expansion_id),
  status: r.status,
  rowsChecked: Number(r.rows_checked),
  mismatches: Number(r.mismatches),
  sampleKeys: r.sample_keys,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});
