import type { Session } from '../../../db.js';
import type { CheckExpectation, ConstraintExpectation } from '../../../expect.js';
import { qi, qtable } from '../../quote.js';
import { displayName } from '../../table-ref.js';
import { FK_ACTIONS } from '../catalog.js';
import { rejected, SCRATCH_NAME, SCRATCH_TABLE, type Scratch } from './scratch.js';
import type { Conflict } from './types.js';

interface ExistingConstraint {
  readonly type: string;
  readonly def: string;
  readonly expr: string | null;
  readonly columns: readonly string[];
  readonly sameReference: boolean | null;
  readonly refColumns: readonly string[];
  readonly onDelete: string;
  readonly onUpdate: string;
}

const TYPES: Record<ConstraintExpectation['kind'], string> = {
  check: 'c',
  'not-null': 'n',
  unique: 'u',
  'primary-key': 'p',
  'foreign-key': 'f',
};

const columnNames = (attnums: string, rel: string) =>
  `array(select a.attname from unnest(${attnums}) with ordinality u(n, o)
           join pg_attribute a on a.attrelid = ${rel} and a.attnum = u.n order by u.o)::text[]`;

const READ = `select k.contype::text as type, pg_get_constraintdef(k.oid) as def, pg_get_expr(k.conbin, k.conrelid) as expr,
    ${columnNames('k.conkey', 'k.conrelid')} as columns,
    ${columnNames('k.confkey', 'k.confrelid')} as "refColumns",
    k.confrelid = to_regclass($3) as "sameReference", k.confdeltype::text as del, k.confupdtype::text as upd
  from pg_constraint k where k.conrelid = to_regclass($1) and k.conname = $2`;

/** The CHECK expression as the server stores it, from a scratch copy of the table's columns. */
async function normalizeCheck(session: Session, scratch: Scratch, e: CheckExpectation) {
  return scratch(async () => {
    await session.query(`CREATE TEMP TABLE ${SCRATCH_NAME} (LIKE ${qtable(e)})`);
    await session.query(
      `ALTER TABLE ${SCRATCH_TABLE} ADD CONSTRAINT ${SCRATCH_NAME}_check CHECK (${e.expression})`,
    );
    const [row] = await session.query<{ def: string; expr: string }>(
      `select pg_get_constraintdef(oid) as def, pg_get_expr(conbin, conrelid) as expr from pg_constraint
        where conrelid = $1::regclass and conname = $2`,
      [SCRATCH_TABLE, `${SCRATCH_NAME}_check`],
    );
    return row!;
  });
}

const sameList = (a: readonly string[], b: readonly string[]) => a.join('\0') === b.join('\0');

function requestedText(e: ConstraintExpectation): string {
  const cols = (names: readonly string[]) => names.map(qi).join(', ');
  if (e.kind === 'check') return `CHECK (${e.expression})`;
  if (e.kind === 'not-null') return `NOT NULL ${qi(e.column)}`;
  if (e.kind !== 'foreign-key')
    return `${e.kind === 'unique' ? 'UNIQUE' : 'PRIMARY KEY'} (${cols(e.columns)})`;
  const actions = [
    e.onDelete === 'no action' ? '' : ` ON DELETE ${e.onDelete.toUpperCase()}`,
    e.onUpdate === 'no action' ? '' : ` ON UPDATE ${e.onUpdate.toUpperCase()}`,
  ].join('');
  return `FOREIGN KEY (${cols(e.columns)}) REFERENCES ${qtable(e.references)}(${cols(e.references.columns)})${actions}`;
}

/**
 * Equal when the constraint of that name on this table is of the same kind with the same
 * definition: CHECK expression as normalized by the server; NOT NULL, UNIQUE / PRIMARY KEY columns;
 * FOREIGN KEY columns, referenced table and columns, ON DELETE / ON UPDATE. Validity does not
 * count: a NOT VALID constraint is what an interrupted run leaves, and the VALIDATE step follows.
 */
export async function compareConstraint(
  session: Session,
  scratch: Scratch,
  e: ConstraintExpectation,
): Promise<Conflict | undefined> {
  const reference = e.kind === 'foreign-key' ? qtable(e.references) : null;
  const [row] = await session.query<ExistingConstraint & { del: string; upd: string }>(READ, [
    qtable(e),
    e.name,
    reference,
  ]);
  if (!row) return undefined;
  const object = `constraint ${e.name} on ${displayName(e)}`;
  const hint = `give the constraint another name, or drop the existing ${e.name} first if it is not needed`;
  let requested = requestedText(e);
  let equal = row.type === TYPES[e.kind];
  if (e.kind === 'check') {
    try {
      const check = await normalizeCheck(session, scratch, e);
      requested = check.def;
      equal &&= row.expr === check.expr;
    } catch (error) {
      return { object, existing: row.def, requested: rejected(requested, error), hint };
    }
  } else {
    equal &&= sameList(row.columns, e.kind === 'not-null' ? [e.column] : e.columns);
  }
  if (e.kind === 'foreign-key') {
    equal &&=
      row.sameReference === true &&
      sameList(row.refColumns, e.references.columns) &&
      FK_ACTIONS[row.del] === e.onDelete &&
      FK_ACTIONS[row.upd] === e.onUpdate;
  }
  return equal ? undefined : { object, existing: row.def, requested, hint };
}
