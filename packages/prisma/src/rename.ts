/**
 * Prisma turns a renamed field into DROP COLUMN + ADD COLUMN in one migration: the column's data
 * is lost. A drop and an add of the same type on one table is treated as a probable rename and
 * refused before the migration is ever applied, with the paths that keep the data.
 */
import { BallastError, type Database, type Session } from '@ballast/core';
import { lintSql } from '@ballast/core/lint';

export interface ProbableRename {
  readonly table: string;
  readonly dropped: string;
  readonly added: string;
  /** The type both columns have, as PostgreSQL names it. */
  readonly type: string;
}

/** A new migration drops a column and adds one of the same type to the same table. */
export class ProbableRenameError extends BallastError {
  override readonly name = 'ProbableRenameError';
  constructor(
    /** The migration.sql, or schema.prisma when the rename was caught before Prisma wrote one. */
    readonly where: string,
    readonly renames: readonly ProbableRename[],
    /** What happened to the migration, e.g. `Nothing was created or applied.` */
    outcome: string,
  ) {
    const list = renames
      .map(
        (r) =>
          `  ${r.table}.${r.dropped} → ${r.table}.${r.added} (${r.type}): the DROP would delete its data`,
      )
      .join('\n');
    const r = renames[0]!;
    super(
      `${where}: the migration Prisma generates looks like a rename done as DROP + ADD COLUMN:\n${list}\n${outcome}`,
      {
        where,
        hint: `to rename only the Prisma field, keep the column: \`${r.added} … @map("${r.dropped}")\` in schema.prisma (no database change); to rename the column without downtime, expand/contract: (1) add "${r.added}" as an optional field beside "${r.dropped}" and deploy, (2) copy the data in batches and write both fields from the application, (3) make the application read "${r.added}", (4) drop "${r.dropped}" in a later migration`,
      },
    );
  }
}

interface ColumnChange {
  readonly table: string;
  readonly schema: string | undefined;
  readonly column: string;
  /** Type name parts of an added column (`pg_catalog.varchar`), with `[]` for arrays. */
  readonly type?: string;
}

/** The columns each ALTER TABLE of the file drops and adds (Prisma writes both in one statement). */
function columnChanges(sql: string): { dropped: ColumnChange[]; added: ColumnChange[] } {
  const dropped: ColumnChange[] = [];
  const added: ColumnChange[] = [];
  if (sql.trim() === '') return { dropped, added }; // lintSql cannot parse an empty text
  for (const s of lintSql(sql, { dialect: 'postgres' }).parsed.statements) {
    if (s.dialect !== 'postgres') continue;
    const alter = (s.node as { AlterTableStmt?: AlterTableStmt }).AlterTableStmt;
    if (!alter?.relation?.relname) continue;
    const table = alter.relation.relname;
    const schema = alter.relation.schemaname;
    for (const cmd of alter.cmds ?? []) {
      const c = cmd.AlterTableCmd;
      if (c?.subtype === 'AT_DropColumn' && c.name) dropped.push({ table, schema, column: c.name });
      const def = c?.def?.ColumnDef;
      if (c?.subtype === 'AT_AddColumn' && def?.colname) {
        const names = (def.typeName?.names ?? []).map((n) => n.String?.sval ?? '').join('.');
        const array = def.typeName?.arrayBounds?.length ? '[]' : '';
        added.push({ table, schema, column: def.colname, type: `${names}${array}` });
      }
    }
  }
  return { dropped, added };
}

interface AlterTableStmt {
  relation?: { relname?: string; schemaname?: string };
  cmds?: Array<{
    AlterTableCmd?: {
      subtype?: string;
      name?: string;
      def?: {
        ColumnDef?: {
          colname?: string;
          typeName?: { names?: Array<{ String?: { sval?: string } }>; arrayBounds?: unknown[] };
        };
      };
    };
  }>;
}

/** Pairs of a dropped and an added column of the same type on the same table, types read by PostgreSQL. */
export async function probableRenames(sql: string, db: Database): Promise<ProbableRename[]> {
  const { dropped, added } = columnChanges(sql);
  if (dropped.length === 0 || added.length === 0) return [];
  return db.withSession(async (session) => {
    const out: ProbableRename[] = [];
    const used = new Set<string>();
    for (const a of added) {
      const newType = await typeName(session, a.type!);
      for (const d of dropped) {
        if (d.table !== a.table || d.schema !== a.schema || used.has(d.column)) continue;
        const oldType = await columnType(session, d);
        if (oldType === undefined || oldType !== newType) continue;
        used.add(d.column);
        out.push({
          table: a.schema ? `${a.schema}.${a.table}` : a.table,
          dropped: d.column,
          added: a.column,
          type: oldType,
        });
        break;
      }
    }
    return out;
  });
}

/** PostgreSQL's name for a type as written in the migration (modifiers aside). */
async function typeName(session: Session, written: string): Promise<string | undefined> {
  const [row] = await session.query<{ t: string | null }>('select to_regtype($1)::text as t', [written]);
  return row?.t ?? undefined;
}

async function columnType(session: Session, c: ColumnChange): Promise<string | undefined> {
  const [row] = await session.query<{ t: string }>(
    `select a.atttypid::regtype::text as t
       from pg_attribute a
      where a.attrelid = to_regclass(format('%I.%I', coalesce($1::text, current_schema()), $2::text))
        and a.attname = $3::text and not a.attisdropped`,
    [c.schema ?? null, c.table, c.column],
  );
  return row?.t;
}
