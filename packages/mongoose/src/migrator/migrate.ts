import type { BackfillResult } from '@ballast/core';
import { parseArgs } from '@ballast/core/adapter';
import { z } from 'zod';
import { VersionMismatchError } from '../errors.js';
import { driverCollection, type ModelLike, versioningOf } from '../plugin.js';
import type { Doc } from '../versions.js';
import { mongoSource } from './source.js';
import { loopTuningSchema, runMongoLoop } from './tuning.js';

const migrateOptionsSchema = loopTuningSchema.extend({
  /** Version to bring every document to; default the code's version. Lower = down (downgrades). */
  to: z.number().int().positive().optional(),
  job: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
  restart: z.boolean().default(false),
});

export type MigrateOptions = z.input<typeof migrateOptionsSchema>;

export interface MigrateResult extends BackfillResult {
  readonly direction: 'up' | 'down';
  readonly to: number;
  /** Documents at a version newer than this code: left as stored (a newer deploy owns them). */
  readonly newerDocuments: number;
}

/**
 * Brings every document of a versioned model's collection to version `to` (default: the code's
 * version) on core's batch loop: resumable after any crash, each document converted exactly once,
 * concurrent writes through the model never lost. See packages/mongoose/README.md.
 */
export async function migrateCollection(
  model: ModelLike,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const o = parseArgs(migrateOptionsSchema, options, 'migrateCollection options');
  const v = versioningOf(model);
  const name = model.collection.collectionName;
  if (!v) {
    throw new VersionMismatchError(`model ${model.modelName} (${name}) does not use the versioned plugin`, {
      where: name,
      hint: 'add schema.plugin(versioned, { version, upgrades }) before compiling the model',
    });
  }
  const to = o.to ?? v.version;
  if (to > v.version) {
    throw new VersionMismatchError(
      `cannot migrate ${name} to version ${to}: this code knows versions up to ${v.version}`,
      {
        where: name,
        hint: 'deploy the code that defines the newer version and run the migrator from it',
      },
    );
  }
  if (to < v.version) {
    const missing = [];
    for (let at = v.version; at > to; at--) if (!v.downgrades?.[String(at)]) missing.push(at);
    if (missing.length > 0) {
      throw new VersionMismatchError(
        `cannot migrate ${name} down to version ${to}: no downgrades for ${missing.join(', ')}`,
        {
          where: name,
          hint: `add downgrades[${missing.join('], downgrades[')}] to the versioned plugin options`,
        },
      );
    }
  }
  await model.db.asPromise();
  const collection = driverCollection(model);
  const result = await runMongoLoop(
    collection.db,
    mongoSource(collection, v, to),
    o.job ?? `${name}:${v.field}=${to}`,
    o,
  );
  const newerDocuments = await collection.countDocuments({ [v.field]: { $gt: v.version } } as Doc);
  return { ...result, direction: to < v.version ? 'down' : 'up', to, newerDocuments };
}
