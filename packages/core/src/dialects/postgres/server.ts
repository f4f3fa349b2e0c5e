import type { Session } from '../../db.js';
import { UnsupportedServerError } from '../../errors.js';

/**
 * What a PostgreSQL server version can do safely. Decided ONLY here, from the version number,
 * so planners ask a flag instead of comparing versions themselves.
 */
export interface PgCapabilities {
  /** PG >= 11: `ADD COLUMN ... DEFAULT <non-volatile>` stores the default in the catalog, no rewrite. */
  readonly instantAddColumnDefault: boolean;
  /** PG >= 12: `SET NOT NULL` skips its full scan when a valid `CHECK (c IS NOT NULL)` exists. */
  readonly notNullFromValidCheck: boolean;
  /** PG >= 18: `ADD CONSTRAINT n NOT NULL c NOT VALID` then `VALIDATE CONSTRAINT n`. */
  readonly notNullNotValid: boolean;
  /** False on 14.0–14.3: CREATE/REINDEX CONCURRENTLY could silently corrupt indexes (fixed in 14.4). */
  readonly safeConcurrentIndex: boolean;
  /** PG >= 12: pg_stat_progress_create_index exists (index build progress). */
  readonly createIndexProgress: boolean;
  /** PG >= 13: gen_random_uuid() is built in (no pgcrypto needed). */
  readonly builtinGenRandomUuid: boolean;
  /** PG >= 11: indexes may INCLUDE non-key columns; pg_index.indnkeyatts counts the key columns. */
  readonly indexIncludeColumns: boolean;
}

/** A PostgreSQL server: the `postgres` member of ServerInfo (dialects/server.ts). */
export interface PgServerInfo {
  readonly dialect: 'postgres';
  /** server_version_num, e.g. 150018 (PG >= 10: major * 10000 + minor). */
  readonly versionNum: number;
  readonly version: string;
  readonly capabilities: PgCapabilities;
}

export function pgCapabilities(versionNum: number): PgCapabilities {
  const major = Math.floor(versionNum / 10000);
  const minor = versionNum % 10000;
  return Object.freeze({
    instantAddColumnDefault: major >= 11,
    notNullFromValidCheck: major >= 12,
    notNullNotValid: major >= 18,
    safeConcurrentIndex: !(major === 14 && minor < 4),
    createIndexProgress: major >= 12,
    builtinGenRandomUuid: major >= 13,
    indexIncludeColumns: major >= 11,
  });
}

/**
 * A ServerInfo without a connection, for planning offline (lint --fix, explain, benchmarks):
 * `serverInfoFor(150000)` plans as for PostgreSQL 15.0.
 */
export function serverInfoFor(
  versionNum: number,
  version = `PostgreSQL ${formatVersion(versionNum)}`,
): PgServerInfo {
  if (!Number.isInteger(versionNum) || versionNum < 90000) {
    throw new UnsupportedServerError(`PostgreSQL server_version_num ${versionNum} is not supported`, {
      hint: 'Ballast plans for PostgreSQL 10 and newer; pass server_version_num, e.g. 150004',
    });
  }
  return Object.freeze({
    dialect: 'postgres',
    versionNum,
    version,
    capabilities: pgCapabilities(versionNum),
  });
}

function formatVersion(versionNum: number): string {
  return `${Math.floor(versionNum / 10000)}.${versionNum % 10000}`;
}

export async function readPgServerInfo(session: Session): Promise<PgServerInfo> {
  const [row] = await session.query<{ num: string; version: string }>(
    "select current_setting('server_version_num') as num, current_setting('server_version') as version",
  );
  return serverInfoFor(Number(row!.num), row!.version);
}
