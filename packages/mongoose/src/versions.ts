import { isDeepStrictEqual } from 'node:util';
import mongoose, { type mongo } from 'mongoose';
import { VersionMismatchError, WriteConflictError } from './errors.js';
import type { Versioning } from './options.js';

export type Doc = Record<string, unknown>;

/** The version a stored document is at; a document without the field predates versioning: 1. */
export function storedVersion(doc: Doc, field: string): number {
  const v = doc[field];
  return v === undefined || v === null ? 1 : Number(v);
}

/** Exact copy (ObjectId, Date, Decimal128 … keep their types), so a step cannot touch the original. */
function copy(doc: Doc): Doc {
  const { BSON } = mongoose.mongo;
  return BSON.deserialize(BSON.serialize(doc)) as Doc;
}

/** Runs the upgrade (or downgrade) steps from the stored version to `to`; the result carries `to`. */
export function convert(v: Versioning, doc: Doc, to: number): Doc {
  const from = storedVersion(doc, v.field);
  if (from === to) return doc;
  const up = from < to;
  const table = up ? v.upgrades : v.downgrades;
  let out = copy(doc);
  for (let at = from; at !== to; at += up ? 1 : -1) {
    const key = up ? at + 1 : at;
    const fn = table?.[String(key)];
    if (!fn) {
      throw new VersionMismatchError(
        `no ${up ? 'upgrade' : 'downgrade'} step ${up ? `${at} → ${at + 1}` : `${at} → ${at - 1}`} for document ${String(doc._id)}`,
        {
          where: `${v.field}=${from}`,
          hint: `add ${up ? 'upgrades' : 'downgrades'}[${key}] to the versioned plugin options`,
        },
      );
    }
    out = fn(out) ?? out;
  }
  out[v.field] = to;
  return out;
}

/** Top-level fields that differ between two versions of a document. */
export function changedFields(before: Doc, after: Doc): { set: Doc; unset: string[] } {
  const set: Doc = {};
  const unset: string[] = [];
  for (const [k, value] of Object.entries(after)) {
    if (k !== '_id' && !isDeepStrictEqual(before[k], value)) set[k] = value;
  }
  for (const k of Object.keys(before)) if (!(k in after)) unset.push(k);
  return { set, unset };
}

/**
 * The write that moves one document from `before` to `after` only if nobody changed its version
 * meanwhile (compare-and-set): writes through the plugin move the version, so a document the
 * application saved is not overwritten with data read before that save.
 */
function casWrite(field: string, before: Doc, after: Doc): mongo.AnyBulkWriteOperation<Doc> {
  const { set, unset } = changedFields(before, after);
  return {
    updateOne: {
      filter: { _id: before._id as never, [field]: before[field] ?? null },
      update: {
        ...(Object.keys(set).length > 0 ? { $set: set } : {}),
        ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((k) => [k, ''])) } : {}),
      },
    },
  };
}

/** Filter of the stored documents that must change to reach version `to` (and that this code knows). */
export function needsConversion(v: Versioning, to: number): Doc {
  const f = v.field;
  if (to === v.version) return { $or: [{ [f]: { $lt: to } }, { [f]: null }] };
  // Down: documents above `to` up to the code's version; newer ones are left alone.
  return { [f]: { $gt: to, $lte: v.version } };
}

const MAX_ROUNDS = 10;
const WRITE_CHUNK = 50;

/**
 * An unordered bulk write in chunks of 50: FerretDB slows down more than linearly with the number
 * of writes in one call (a few hundred stall it). Returns the summed matched/modified counts.
 */
export async function chunkedBulkWrite(
  collection: mongo.Collection<Doc> | mongo.Collection,
  ops: readonly mongo.AnyBulkWriteOperation[],
  session?: mongo.ClientSession,
): Promise<{ matchedCount: number; modifiedCount: number }> {
  const sum = { matchedCount: 0, modifiedCount: 0 };
  for (let i = 0; i < ops.length; i += WRITE_CHUNK) {
    const result = await (collection as mongo.Collection).bulkWrite(ops.slice(i, i + WRITE_CHUNK), {
      ordered: false,
      ...(session ? { session } : {}),
    });
    sum.matchedCount += result.matchedCount;
    sum.modifiedCount += result.modifiedCount;
  }
  return sum;
}

/**
 * Converts the given stored documents to version `to` with compare-and-set writes. A document
 * changed meanwhile is re-read and converted from what is stored now; one already at `to` is
 * left alone. Returns how many documents this call wrote.
 */
export async function convertStored(
  collection: mongo.Collection<Doc>,
  v: Versioning,
  docs: readonly Doc[],
  to: number,
  session?: mongo.ClientSession,
): Promise<number> {
  let pending = docs;
  let written = 0;
  for (let round = 1; pending.length > 0; round++) {
    if (round > MAX_ROUNDS) {
      throw new WriteConflictError(
        `${pending.length} documents of ${collection.collectionName} changed under every one of ${MAX_ROUNDS} compare-and-set attempts`,
        {
          where: collection.collectionName,
          hint: 'the batch is retried smaller; if it persists, lower the write rate on these documents',
        },
      );
    }
    const ops = pending.map((d) => casWrite(v.field, d, convert(v, d, to)));
    const { matchedCount: matched } = await chunkedBulkWrite(collection, ops, session);
    written += matched;
    if (matched === ops.length) break;
    // Some documents moved under us: read them again, keep those still to convert.
    const ids = pending.map((d) => d._id);
    pending = await collection
      .find({ $and: [{ _id: { $in: ids } }, needsConversion(v, to)] }, session ? { session } : {})
      .toArray();
  }
  return written;
}
