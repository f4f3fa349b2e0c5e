import { isDeepStrictEqual } from 'node:util';
import type { mongo } from 'mongoose';

/** Index options Ballast compares: two indexes with the same keys and these are the same index. */
export const COMPARED_OPTIONS = [
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'collation',
  'hidden',
] as const;

export type IndexKeys = Record<string, 1 | -1 | 'text' | '2dsphere' | 'hashed'>;

export interface IndexDefinition {
  readonly name: string;
  readonly key: Readonly<Record<string, unknown>>;
  readonly [option: string]: unknown;
}

/** The server's default name for `keys`: `a_1_b_-1`. */
export const defaultIndexName = (keys: IndexKeys) =>
  Object.entries(keys)
    .map(([k, v]) => `${k}_${v}`)
    .join('_');

/** Keys in order (order matters for an index), then the compared options that are set. */
function comparable(d: IndexDefinition, ignoreHidden: boolean) {
  const options: Record<string, unknown> = {};
  for (const o of COMPARED_OPTIONS) {
    if (ignoreHidden && o === 'hidden') continue;
    const v = d[o];
    if (v !== undefined && v !== false) options[o] = v;
  }
  return { key: Object.entries(d.key).map(([k, v]) => [k, Number(v) || v]), options };
}

/** Same keys and options (hiding is not part of an index's definition: a hidden one still counts). */
export const sameIndex = (a: IndexDefinition, b: IndexDefinition) =>
  isDeepStrictEqual(comparable(a, true), comparable(b, true));

export const sameKeys = (a: IndexDefinition, b: IndexDefinition) =>
  isDeepStrictEqual(comparable(a, true).key, comparable(b, true).key);

/** `people.email_1 { email: 1 } unique` for messages. */
export function describeIndex(collection: string, d: IndexDefinition): string {
  const { key, options } = comparable(d, false);
  const keys = key.map(([k, v]) => `${k}: ${v}`).join(', ');
  const opts = Object.entries(options)
    .map(([k, v]) => (v === true ? k : `${k}: ${JSON.stringify(v)}`))
    .join(', ');
  return `${collection}.${d.name} { ${keys} }${opts ? ` ${opts}` : ''}`;
}

/** The collection's indexes; none when it does not exist yet. */
export async function listIndexes(db: mongo.Db, collection: string): Promise<IndexDefinition[]> {
  try {
    return (await db.collection(collection).listIndexes().toArray()) as IndexDefinition[];
  } catch (error) {
    if ((error as { code?: number }).code === 26) return []; // NamespaceNotFound
    throw error;
  }
}
