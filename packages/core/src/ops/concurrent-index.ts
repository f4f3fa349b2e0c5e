import { indexOnTable, relationMissing } from '../dialects/postgres/catalog.js';
import { type PgServerInfo, requireDialect, type ServerInfo } from '../dialects/server.js';
import type { TableRef } from '../dialects/table-ref.js';
import { UnsafeOperationError, UnsupportedServerError } from '../errors.js';
import { type SqlStep, undoWith } from '../plan.js';
import {
  defaultName,
  displayName,
  qcolumns,
  qi,
  qtable,
  requireFragment,
  requireIdentifiers,
  sqlStep,
} from './shared.js';

/**
 * The concurrent index manager: CREATE/DROP INDEX CONCURRENTLY as runner steps. Used by
 * create-index itself and by the operations that need an index first (foreign key, unique,
 * primary key), so the invalid-leftover handling and the 14.0–14.3 refusal live in one place.
 */
export interface ConcurrentIndexSpec extends TableRef {
  readonly columns: readonly string[];
  readonly name?: string | undefined;
  readonly unique?: boolean | undefined;
  /** Partial index predicate: SQL by contract (written by the developer, never user data). */
  readonly where?: string | undefined;
  /** Access method (btree, hash, gin, gist, brin, spgist, or an extension's). Default btree. */
  readonly method?: string | undefined;
}

export const defaultIndexName = (spec: ConcurrentIndexSpec) =>
  spec.name ?? defaultName([spec.table, ...spec.columns], spec.unique ? 'key' : 'idx');

export function requireSafeConcurrentIndex(
  server: ServerInfo,
  where: string,
): asserts server is PgServerInfo {
  requireDialect(server, 'postgres', where);
  if (server.capabilities.safeConcurrentIndex) return;
  throw new UnsupportedServerError(
    `${where}: refusing CREATE/REINDEX INDEX CONCURRENTLY on ${server.version} (server_version_num ${server.versionNum})`,
    {
      where,
      hint:
        'PostgreSQL 14.0–14.3 can build corrupt indexes CONCURRENTLY (missing entries for rows updated ' +
        'during the build; fixed in 14.4). Upgrade to 14.4 or later, then run `REINDEX` on indexes built ' +
        'concurrently under 14.0–14.3 (amcheck`s bt_index_check finds them).',
    },
  );
}

/**
 * One non-transactional step. IF NOT EXISTS semantics: a VALID index of that name makes the step
 * `already-done`; an INVALID one (a failed or cancelled earlier build) is dropped concurrently
 * before each attempt, since IF NOT EXISTS would otherwise keep the broken index forever.
 */
export function createIndexConcurrentlyStep(
  spec: ConcurrentIndexSpec,
  server: ServerInfo,
  idPrefix: string,
): SqlStep {
  const where = `${idPrefix} (${displayName(spec)})`;
  requireIdentifiers(where, 'index column', spec.columns);
  requireSafeConcurrentIndex(server, where);
  const name = defaultIndexName(spec);
  const method = spec.method?.trim().toLowerCase();
  if (method !== undefined && !/^[a-z_][a-z0-9_]*$/.test(method)) {
    throw new UnsafeOperationError(`${where}: index method \`${spec.method}\` is not an access method name`, {
      where,
      hint: 'use btree, hash, gin, gist, brin, spgist or an installed access method',
    });
  }
  const predicate =
    spec.where === undefined ? '' : ` WHERE ${requireFragment(where, 'WHERE predicate', spec.where)}`;
  const using = method === undefined || method === 'btree' ? '' : ` USING ${qi(method)}`;
  const indexRef = spec.schema ? { schema: spec.schema, table: name } : { table: name };
  return sqlStep({
    id: `${idPrefix}:create-index`,
    description:
      `build ${spec.unique ? 'unique ' : ''}index ${name} on ${displayName(spec)} (${spec.columns.join(', ')}) ` +
      'CONCURRENTLY: reads and writes continue during the build',
    lock: 'SHARE UPDATE EXCLUSIVE',
    transactional: false,
    timeout: 'long',
    sql:
      `CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY IF NOT EXISTS ${qi(name)} ` +
      `ON ${qtable(spec)}${using} (${qcolumns(spec.columns)})${predicate}`,
    done: indexOnTable(spec, name, 'valid'),
    expects: {
      kind: 'index',
      table: spec.table,
      schema: spec.schema,
      name,
      columns: spec.columns,
      unique: spec.unique === true,
      method,
      where: spec.where,
    },
    prepare: {
      when: indexOnTable(spec, name, 'invalid'),
      sql: `DROP INDEX CONCURRENTLY IF EXISTS ${qtable(indexRef)}`,
      description: `drop the INVALID index ${name} left by an earlier failed build`,
    },
    ...(server.capabilities.createIndexProgress ? { watch: 'create-index' as const } : {}),
    // A unique index refuses the application's duplicate writes: a failed run takes it away again.
    ...(spec.unique
      ? { undoOnFailure: undoWith(dropIndexConcurrentlyStep({ name, schema: spec.schema }, idPrefix)) }
      : {}),
  });
}

export function dropIndexConcurrentlyStep(
  index: { name: string; schema?: string | undefined },
  idPrefix: string,
): SqlStep {
  const ref = index.schema ? { schema: index.schema, table: index.name } : { table: index.name };
  return sqlStep({
    id: `${idPrefix}:drop-index`,
    description: `drop index ${displayName(ref)} CONCURRENTLY: waits for running queries instead of blocking them`,
    lock: 'SHARE UPDATE EXCLUSIVE',
    transactional: false,
    timeout: 'long',
    sql: `DROP INDEX CONCURRENTLY IF EXISTS ${qtable(ref)}`,
    done: relationMissing(ref),
  });
}
