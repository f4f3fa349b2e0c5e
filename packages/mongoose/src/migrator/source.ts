import type { BackfillSource } from '@ballast/core/adapter';
import type { mongo } from 'mongoose';
import type { Versioning } from '../options.js';
import { convertStored, type Doc, needsConversion } from '../versions.js';
import { keysetSource } from './keyset-source.js';

/**
 * The migrator's source: documents below (or above, going down) version `to`, converted with
 * compare-and-set writes on the version field, so a rerun after a crash skips the ones done.
 */
export function mongoSource(
  collection: mongo.Collection<Doc>,
  versioning: Versioning,
  to: number,
): BackfillSource {
  return keysetSource(collection, {
    pending: needsConversion(versioning, to),
    targetVersion: to,
    write: (docs) => convertStored(collection, versioning, docs, to),
  });
}
