import type { CatalogProbe } from '../dialects/postgres/catalog.js';
import { quoteLiteral, quoteQualified } from '../dialects/quote.js';
import type { ServerInfo } from '../dialects/server.js';
import type { ResolvedTableRef, TableRef } from '../dialects/table-ref.js';
import { BallastError } from '../errors.js';
import { validatedConstraintSteps } from '../ops/add-check.js';
import { constraintUsingIndexSteps } from '../ops/add-unique.js';
import { createIndexConcurrentlyStep } from '../ops/concurrent-index.js';
import { displayName, qi, qtable, relationsOf, sqlStep } from '../ops/shared.js';
import { freezePlan, type Plan, type SqlStep, type Step } from '../plan.js';
import type { ColumnDefinition, ConstraintDefinition, IdentityDefinition } from './definition.js';

/** ADD COLUMN's clauses after the type: its collation, or its generation expression. */
export function addColumnClauses(def: ColumnDefinition | null): string {
  if (!def) return '';
  const collate = def.collation ? ` COLLATE ${quoteQualified('postgres', def.collation)}` : '';
  const generated = def.generated
    ? ` GENERATED ALWAYS AS (${def.generated.expression}) ${def.generated.kind === 's' ? 'STORED' : 'VIRTUAL'}`
    : '';
  return collate + generated;
}

/**
 * The rest of a restored column's definition, as runner steps once its values and NOT NULL are
 * back: identity (same sequence name, options and position), comment, indexes CONCURRENTLY, then
 * constraints NOT VALID → VALIDATE (unique ones: index CONCURRENTLY → USING INDEX), with the
 * planners' own step builders.
 */
export function planRestoreDefinition(
  ref: ResolvedTableRef,
  column: string,
  def: ColumnDefinition,
  server: ServerInfo,
  backupId: number,
): Plan {
  const target = `${displayName(ref)}.${column}`;
  const id = `restore-definition:${target}`;
  const steps: Step[] = [
    ...(def.identity ? identitySteps(ref, column, def.identity, id) : []),
    ...(def.comment !== null
      ? [
          sqlStep({
            id: `${id}:comment`,
            description: `put the comment on ${target} back`,
            lock: 'SHARE UPDATE EXCLUSIVE',
            transactional: true,
            timeout: 'ddl',
            sql: `COMMENT ON COLUMN ${qtable(ref)}.${qi(column)} IS ${quoteLiteral('postgres', def.comment)}`,
          }),
        ]
      : []),
    ...def.indexes.map((index) =>
      indexFromDefinition(ref, column, index.name, index.definition, server, `${id}:index:${index.name}`),
    ),
    ...def.constraints.flatMap((k) => constraintSteps(ref, column, k, server, `${id}:constraint:${k.name}`)),
  ];
  return freezePlan({
    operation: 'restore-definition',
    target,
    steps,
    reverse: [],
    notes: [`from backup ${backupId}`],
  });
}

/** Integer text from the catalog, rendered as a number (sequence options cannot be bound). */
const int = (value: string) => BigInt(value).toString();

function identitySteps(ref: TableRef, column: string, identity: IdentityDefinition, id: string): SqlStep[] {
  const sequence = quoteQualified('postgres', identity.sequence);
  const options = [
    `SEQUENCE NAME ${sequence}`,
    `START WITH ${int(identity.start)}`,
    `INCREMENT BY ${int(identity.increment)}`,
    `MINVALUE ${int(identity.min)}`,
    `MAXVALUE ${int(identity.max)}`,
    `CACHE ${int(identity.cache)}`,
    identity.cycle ? 'CYCLE' : 'NO CYCLE',
  ].join(' ');
  const isIdentity: CatalogProbe = {
    sql: `select exists (select 1 from pg_attribute where attrelid = to_regclass($1) and attname = $2
            and not attisdropped and attidentity <> '') as done`,
    params: [qtable(ref), column],
  };
  const steps = [
    sqlStep({
      id: `${id}:identity`,
      description: `make ${displayName(ref)}.${column} an identity column again (sequence ${identity.sequence.name}): catalog only`,
      lock: 'ACCESS EXCLUSIVE',
      relations: relationsOf(ref),
      transactional: true,
      timeout: 'ddl',
      sql: `ALTER TABLE ${qtable(ref)} ALTER COLUMN ${qi(column)} ADD GENERATED ${identity.kind === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY (${options})`,
      done: isIdentity,
    }),
  ];
  if (identity.lastValue === null) return steps;
  return [
    ...steps,
    // Once: a rerun after inserts must not move the sequence back under values handed out since.
    sqlStep({
      id: `${id}:identity-position`,
      description: `continue ${identity.sequence.name} after ${identity.lastValue}, where it stood at the drop`,
      lock: 'none',
      transactional: true,
      timeout: 'ddl',
      sql: 'SELECT setval(to_regclass($1), $2::bigint, true)',
      params: [sequence, identity.lastValue],
      done: {
        sql: 'select pg_sequence_last_value(to_regclass($1)) is not null as done',
        params: [sequence],
      },
    }),
  ];
}

/** `CREATE [UNIQUE] INDEX name ON ...` as pg_get_indexdef renders it, built CONCURRENTLY. */
function indexFromDefinition(
  ref: TableRef,
  column: string,
  name: string,
  definition: string,
  server: ServerInfo,
  idPrefix: string,
): SqlStep {
  const unique = definition.startsWith('CREATE UNIQUE INDEX ');
  const sql = definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY IF NOT EXISTS ');
  if (sql === definition) {
    throw new BallastError(`restore of ${name} on ${column}: the saved definition is not a CREATE INDEX`, {
      where: `index ${name}`,
      hint: `the backup catalog holds something else (${definition}); restore the index by hand, and report this as a bug`,
    });
  }
  // The concurrent index manager's step (done probe, INVALID leftover, undo), with the exact definition.
  const step = createIndexConcurrentlyStep({ ...ref, columns: [column], name, unique }, server, idPrefix);
  return { ...step, description: `rebuild ${name} CONCURRENTLY as it was: ${definition}`, sql };
}

function constraintSteps(
  ref: TableRef,
  column: string,
  k: ConstraintDefinition,
  server: ServerInfo,
  idPrefix: string,
): Step[] {
  if (k.kind === 'unique') {
    const [, attach] = constraintUsingIndexSteps(
      { ...ref, columns: k.columns },
      'UNIQUE',
      k.name,
      server,
      idPrefix,
    );
    return [indexFromDefinition(ref, column, k.name, k.index!, server, idPrefix), attach!];
  }
  const lock = k.kind === 'foreign key' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE';
  const steps = validatedConstraintSteps(ref, k.name, k.definition, idPrefix, lock);
  // A constraint that was NOT VALID at the drop comes back NOT VALID: old rows never passed it.
  return k.validated ? steps : steps.slice(0, 1);
}
