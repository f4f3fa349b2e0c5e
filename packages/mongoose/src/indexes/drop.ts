import { BallastError, UnsafeOperationError } from '@ballast/core';
import { parseArgs } from '@ballast/core/adapter';
import type { mongo } from 'mongoose';
import { z } from 'zod';
import { isUnsupported, unsupported } from '../server.js';
import { describeIndex, type IndexDefinition, listIndexes } from './definition.js';

/** The one value that lets dropIndex drop at once where the server cannot hide the index first. */
export const DROP_WITHOUT_HIDING = 'drop-without-hiding';

const optionsSchema = z.strictObject({
  /**
   * How long the index stays hidden (unused by queries, still maintained) before it is dropped,
   * so a query that needed it shows up as slow while unhiding is instant. Default 60 000 ms.
   */
  observeMs: z.number().int().nonnegative().default(60_000),
  /** Where hiding is unsupported: drop at once anyway. Without it the drop is refused. */
  confirm: z.literal(DROP_WITHOUT_HIDING).optional(),
});

export type DropIndexOptions = z.input<typeof optionsSchema>;

export interface DropIndexResult {
  readonly status: 'dropped' | 'already-done';
  /** Whether it was hidden and observed first (false: dropped at once on explicit confirmation). */
  readonly hidden: boolean;
  /** What was dropped, so a `down` can recreate it (`createIndex(db, coll, dropped.key, …)`). */
  readonly dropped: IndexDefinition | null;
}

/**
 * Drops an index as hide → observe → drop: `collMod` hides it, it stays hidden for `observeMs`,
 * and is dropped only if nobody unhid it meanwhile (unhiding is how an operator says "we need it").
 * A server without hidden indexes (FerretDB, MongoDB < 4.4) refuses with the reason unless
 * `confirm: 'drop-without-hiding'`.
 */
export async function dropIndex(
  db: mongo.Db,
  collection: string,
  name: string,
  options: DropIndexOptions = {},
): Promise<DropIndexResult> {
  const o = parseArgs(optionsSchema, options, 'dropIndex options');
  const where = `${collection}.${name}`;
  const index = (await listIndexes(db, collection)).find((i) => i.name === name);
  if (!index) return { status: 'already-done', hidden: false, dropped: null };
  if (name === '_id_')
    throw new UnsafeOperationError(`cannot drop index ${where}: it is the _id index`, {
      where,
      hint: 'MongoDB keeps the _id index for the life of the collection',
    });
  const hidden = await hide(db, collection, index, o.confirm);
  if (hidden) {
    await new Promise((r) => setTimeout(r, o.observeMs));
    const now = (await listIndexes(db, collection)).find((i) => i.name === name);
    if (now && !now.hidden)
      throw new BallastError(`index ${where} was unhidden while observed: not dropped`, {
        where,
        hint: 'someone needs it: keep the index, or find its users and run the drop again',
      });
  }
  await db.collection(collection).dropIndex(name);
  const { hidden: _wasHidden, ...definition } = index;
  return { status: 'dropped', hidden, dropped: definition as IndexDefinition };
}

/** Hides the index; false (and nothing done) where the server cannot and the caller confirmed. */
async function hide(
  db: mongo.Db,
  collection: string,
  index: IndexDefinition,
  confirm: typeof DROP_WITHOUT_HIDING | undefined,
): Promise<boolean> {
  if (index.hidden) return true;
  try {
    await db.command({ collMod: collection, index: { name: index.name, hidden: true } });
    return true;
  } catch (error) {
    if (!isUnsupported(error) && (error as { code?: number }).code !== 72) throw error; // 72: InvalidOptions (< 4.4)
    if (confirm === DROP_WITHOUT_HIDING) return false;
    throw await unsupported(
      db,
      `cannot drop index ${describeIndex(collection, index)} safely: hiding it first (collMod hidden) is unsupported`,
      error,
      {
        where: `${collection}.${index.name}`,
        hint:
          'a hidden index can be brought back instantly if a query turns out to need it; a dropped one must be rebuilt. ' +
          `Run on MongoDB ≥ 4.4, or pass { confirm: '${DROP_WITHOUT_HIDING}' } to drop it at once`,
      },
    );
  }
}
