import { WrongContextError } from '@ballast/core';
import { parseArgs } from '@ballast/core/adapter';
import type { Connection, mongo, Query, Schema } from 'mongoose';
import {
  type NewerDocument,
  type VersionedOptions,
  type Versioning,
  versionedOptionsSchema,
} from './options.js';
import { convert, convertStored, type Doc, needsConversion, storedVersion } from './versions.js';

/** Where the plugin keeps its parsed options on the schema, for the migrator. */
const VERSIONING = 'ballastVersioning';
/** Top-level fields an in-memory upgrade changed, so save() writes them (and $unsets removed ones). */
const CHANGED = 'ballastUpgradedFields';

/** The versioning options of a model whose schema uses the `versioned` plugin, else undefined. */
export function versioningOf(model: {
  readonly schema: { readonly statics: unknown };
}): Versioning | undefined {
  const get = (model.schema.statics as Record<string, unknown>)[VERSIONING];
  return typeof get === 'function' ? (get as () => Versioning)() : undefined;
}

/** What Ballast needs of a model (structural, so any `Model<T>` fits). */
export interface ModelLike {
  readonly modelName: string;
  readonly schema: { readonly statics: unknown };
  readonly db: Connection;
  readonly collection: { readonly collectionName: string };
}

/** The driver's collection behind a model (Mongoose's wrapper lacks `db` and buffers calls). */
export function driverCollection(model: ModelLike): mongo.Collection<Doc> {
  const db = model.db.db;
  if (!db)
    throw new WrongContextError(`connection of ${model.collection.collectionName} is not open yet`, {
      where: model.collection.collectionName,
      hint: 'await mongoose.connect(...) (or connection.asPromise()) before migrating or reading versions',
    });
  return db.collection<Doc>(model.collection.collectionName);
}

const warned = new Set<string>();
function warnNewer(doc: NewerDocument): void {
  const key = `${doc.model}@${doc.version}`;
  if (warned.has(key)) return;
  warned.add(key);
  process.emitWarning(
    `${doc.model}: document ${String(doc.id)} is at schema version ${doc.version}, newer than this code (${doc.codeVersion}); left as stored (a newer deploy wrote it)`,
    { code: 'BALLAST_NEWER_DOCUMENT' },
  );
}

/**
 * Upgrades `raw` in place to the code's version; returns the top-level fields it changed.
 * Newer documents are reported and left untouched.
 */
function upgradeInPlace(v: Versioning, modelName: string, raw: Doc): string[] {
  const at = storedVersion(raw, v.field);
  if (at > v.version) {
    (v.onNewerDocument ?? warnNewer)({ model: modelName, id: raw._id, version: at, codeVersion: v.version });
    return [];
  }
  if (at === v.version) return [];
  const upgraded = convert(v, raw, v.version);
  const changed = new Set([...Object.keys(raw), ...Object.keys(upgraded)]);
  for (const k of changed) if (!(k in upgraded)) delete raw[k];
  Object.assign(raw, upgraded);
  return [...changed].filter((k) => k !== '_id');
}

type AnyQuery = Query<unknown, unknown>;

/** The parts of a hydrating document the init hooks use (`$__.selected` is Mongoose's projection). */
interface InitDocument {
  readonly $__: { readonly selected?: Record<string, unknown> };
  readonly $locals: Record<string, unknown>;
  readonly constructor: { readonly modelName: string };
  markModified(path: string): void;
}

/** Queries with a projection see part of a document: it is returned as stored, never upgraded. */
function hasProjection(query: AnyQuery): boolean {
  const p = query.projection() as Record<string, unknown> | undefined;
  return p !== undefined && p !== null && Object.keys(p).length > 0;
}

function touchesField(update: Record<string, unknown>, field: string): boolean {
  if (field in update) return true;
  return Object.entries(update).some(
    ([op, fields]) => op.startsWith('$') && fields !== null && typeof fields === 'object' && field in fields,
  );
}

/**
 * `schema.plugin(versioned, { version, upgrades, downgrades? })`: documents carry a version field;
 * older ones are upgraded when read (hydrated documents; lean results with `.lean({ upgrade: true })`)
 * and written at the code's version by save and by the model's update queries; documents newer than
 * the code are left as stored and reported. See packages/mongoose/README.md.
 */
export function versioned(schema: Schema, options: VersionedOptions): void {
  const v = parseArgs(versionedOptionsSchema, options, 'versioned plugin options');
  schema.static(VERSIONING, () => v);
  if (!schema.path(v.field)) schema.add({ [v.field]: { type: Number, default: v.version } });

  schema.pre('init', function (this: InitDocument, raw: Doc) {
    // A projected document is incomplete: upgrading it could invent data. Keep it as stored.
    if (this.$__.selected && Object.keys(this.$__.selected).length > 0) return;
    const changed = upgradeInPlace(v, this.constructor.modelName, raw);
    if (changed.length > 0) this.$locals[CHANGED] = changed;
  });
  schema.post('init', function (this: InitDocument) {
    const changed = this.$locals[CHANGED] as string[] | undefined;
    if (!changed) return;
    delete this.$locals[CHANGED];
    for (const k of changed) this.markModified(k);
  });

  schema.post(['find', 'findOne'], function (this: AnyQuery, result: unknown) {
    const lean = (this as unknown as { _mongooseOptions: { lean?: unknown } })._mongooseOptions.lean;
    if (!lean || typeof lean !== 'object' || !(lean as { upgrade?: boolean }).upgrade) return;
    if (hasProjection(this)) return;
    const docs = Array.isArray(result) ? result : result ? [result] : [];
    for (const d of docs) upgradeInPlace(v, this.model.modelName, d as Doc);
  });

  // Update queries: convert the old documents they match first (compare-and-set), then stamp the
  // version with $max so a document written by newer code is never moved back.
  schema.pre(['updateOne', 'updateMany', 'findOneAndUpdate'], async function (this: AnyQuery) {
    const update = this.getUpdate() as Record<string, unknown> | null;
    if (!update || Array.isArray(update) || touchesField(update, v.field)) return;
    const session = this.getOptions().session ?? undefined;
    const old = await this.model
      .find({ $and: [this.getFilter(), needsConversion(v, v.version)] })
      .session(session ?? null)
      .lean<Doc[]>();
    if (old.length > 0) await convertStored(driverCollection(this.model), v, old, v.version, session);
    const max = (update.$max as Doc | undefined) ?? {};
    this.setUpdate({ ...update, $max: { ...max, [v.field]: v.version } });
  });
  schema.pre(['replaceOne', 'findOneAndReplace'], function (this: AnyQuery) {
    const replacement = this.getUpdate() as Doc | null;
    if (replacement && replacement[v.field] === undefined) replacement[v.field] = v.version;
  });
}
