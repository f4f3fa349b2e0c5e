import { BallastError } from '@ballast/core';
import { parseArgs } from '@ballast/core/adapter';
import type { mongo } from 'mongoose';
import { z } from 'zod';
import { isUnsupported, unsupported } from './server.js';

/**
 * A `$jsonSchema` validator in two steps, like NOT VALID + VALIDATE on the SQL side: staged as
 * `validationLevel: moderate` / `validationAction: warn` (the server only logs documents that fail
 * it, so old documents and old code keep working), then promoted to `strict` / `error` once the
 * migrator converted every document.
 */

const jsonSchema = z.record(z.string(), z.unknown());

const promoteSchema = z.strictObject({
  /** The version every document must have reached (the model's `versioned` version). */
  version: z.number().int().positive(),
  /** The version field. Default `schemaVersion`, like the plugin's. */
  field: z.string().min(1).default('schemaVersion'),
});

export type PromoteValidatorOptions = z.input<typeof promoteSchema>;

export interface ValidatorState {
  readonly validator: Record<string, unknown> | null;
  readonly validationLevel: string | null;
  readonly validationAction: string | null;
}

/** The collection's validator and its level/action, as listCollections reports them. */
export async function validatorOf(db: mongo.Db, collection: string): Promise<ValidatorState> {
  const [info] = await db.listCollections({ name: collection }).toArray();
  const o = (info as { options?: Record<string, unknown> } | undefined)?.options ?? {};
  return {
    validator: (o.validator as Record<string, unknown> | undefined) ?? null,
    validationLevel: (o.validationLevel as string | undefined) ?? null,
    validationAction: (o.validationAction as string | undefined) ?? null,
  };
}

async function collMod(db: mongo.Db, collection: string, what: string, spec: Record<string, unknown>) {
  const exists = (await db.listCollections({ name: collection }).toArray()).length > 0;
  try {
    if (exists) await db.command({ collMod: collection, ...spec });
    else await db.createCollection(collection, spec);
  } catch (error) {
    if (!isUnsupported(error)) throw error;
    throw await unsupported(db, `cannot ${what} on ${collection}`, error, {
      where: collection,
      hint: 'validators need collMod and $jsonSchema: run this migration on MongoDB, or leave validation to the Mongoose schema',
    });
  }
}

/** Stages `schema` as the collection's validator in warn mode (documents are never refused by it). */
export async function stageValidator(
  db: mongo.Db,
  collection: string,
  schema: Record<string, unknown>,
): Promise<void> {
  const s = parseArgs(jsonSchema, schema, 'stageValidator schema');
  await collMod(db, collection, 'stage a $jsonSchema validator (moderate/warn)', {
    validator: { $jsonSchema: s },
    validationLevel: 'moderate',
    validationAction: 'warn',
  });
}

/**
 * Makes the staged validator strict (`validationLevel: strict`, `validationAction: error`), after
 * checking no document is left below `version` and none fails the validator; refuses otherwise.
 */
export async function promoteValidator(
  db: mongo.Db,
  collection: string,
  options: PromoteValidatorOptions,
): Promise<void> {
  const o = parseArgs(promoteSchema, options, 'promoteValidator options');
  const { validator } = await validatorOf(db, collection);
  if (!validator)
    throw new BallastError(`cannot promote the validator of ${collection}: it has none`, {
      where: collection,
      hint: 'stage it first (stageValidator / ctx.validators.stage), migrate the documents, then promote',
    });
  const docs = db.collection(collection);
  const old = { $or: [{ [o.field]: { $lt: o.version } }, { [o.field]: { $exists: false } }] };
  const behind = await docs.countDocuments(old);
  if (behind > 0) {
    const first = await docs.findOne(old, { projection: { _id: 1, [o.field]: 1 } });
    throw new BallastError(
      `cannot promote the validator of ${collection}: ${behind} documents are below ${o.field} ${o.version} (e.g. _id ${String(first?._id)} at ${String(first?.[o.field] ?? 'none')})`,
      {
        where: `${collection}.${o.field}`,
        hint: 'run the migrator (ctx.migrateCollection) to convert every document first, then promote',
      },
    );
  }
  const invalid = await docs.countDocuments({ $nor: [validator] });
  if (invalid > 0) {
    const first = await docs.findOne({ $nor: [validator] }, { projection: { _id: 1 } });
    throw new BallastError(
      `cannot promote the validator of ${collection}: ${invalid} documents fail it (e.g. _id ${String(first?._id)})`,
      { where: collection, hint: 'fix those documents (or the schema), then promote' },
    );
  }
  await collMod(db, collection, 'promote the validator to strict/error', {
    validationLevel: 'strict',
    validationAction: 'error',
  });
}

/** Removes the validator (the reverse of stage and promote). */
export async function removeValidator(db: mongo.Db, collection: string): Promise<void> {
  if ((await db.listCollections({ name: collection }).toArray()).length === 0) return;
  await collMod(db, collection, 'remove the validator', {
    validator: {},
    validationLevel: 'strict',
    validationAction: 'error',
  });
}

/** `ctx.validators` of a migration file. */
export function validatorHelpers(db: mongo.Db) {
  return {
    stage: (collection: string, schema: Record<string, unknown>) => stageValidator(db, collection, schema),
    promote: (collection: string, options: PromoteValidatorOptions) =>
      promoteValidator(db, collection, options),
    remove: (collection: string) => removeValidator(db, collection),
  };
}

export type ValidatorHelpers = ReturnType<typeof validatorHelpers>;
