import { mysqlBoundedWhere, pgBoundedWhere } from '../batch-bound.js';
import { defineRule, ident, mysqlTable, report } from '../define.js';
import { nodeOf, relationName } from '../pg-ast.js';

const example = (verb: string, table: string) =>
  verb === 'UPDATE'
    ? `UPDATE ${table} SET ... WHERE id >= $1 AND id < $1 + 10000;  -- repeat per range, commit each`
    : `DELETE FROM ${table} WHERE id >= $1 AND id < $1 + 10000;  -- repeat per range, commit each`;

/**
 * Migration tools' own bookkeeping, which their generated SQL updates in every file (Alembic's
 * `UPDATE alembic_version SET version_num = …`): one row per migration, not a data change.
 */
const BOOKKEEPING = new Set([
  'alembic_version',
  'schema_migrations',
  'ar_internal_metadata',
  'django_migrations',
  '_prisma_migrations',
  'knex_migrations',
  'knex_migrations_lock',
  'flyway_schema_history',
  'databasechangelog',
  'databasechangeloglock',
  '__diesel_schema_migrations',
  'goose_db_version',
  'gorp_migrations',
  '__efmigrationshistory',
]);

/** strong_migrations "backfilling data" (no squawk equivalent). */
export default defineRule({
  id: 'require-batched-data-change',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres', 'mysql'],
  docs: 'An UPDATE or DELETE not bounded to one batch (a key range, named ids, a LIMIT) locks every row it touches at once.',
  check(ctx, s) {
    let verb: string;
    let table: string;
    let raw: string;
    if (s.dialect === 'postgres') {
      const update = nodeOf(s.node, 'UpdateStmt');
      const del = nodeOf(s.node, 'DeleteStmt');
      const stmt = update ?? del;
      if (!stmt || pgBoundedWhere(stmt.whereClause)) return undefined;
      verb = update ? 'UPDATE' : 'DELETE';
      raw = relationName(stmt.relation);
      table = ident('postgres', raw);
    } else {
      if (s.ast?.type !== 'update' && s.ast?.type !== 'delete') return undefined;
      if (s.ast.limit?.value?.length || mysqlBoundedWhere(s.ast.where)) return undefined;
      verb = String(s.ast.type).toUpperCase();
      const ref = s.ast.type === 'update' ? s.ast.table : s.ast.from;
      raw = String((Array.isArray(ref) ? ref[0] : ref)?.table ?? '?');
      table = mysqlTable(ref);
    }
    if (ctx.isNewTable(raw) || BOOKKEEPING.has(raw.split('.').pop()!.toLowerCase())) return undefined;
    return report('require-batched-data-change', {
      verb,
      table,
      replica: s.dialect === 'mysql' ? ' and delays replicas by its whole duration' : '',
      example: example(verb, table),
    });
  },
});
