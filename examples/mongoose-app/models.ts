/**
 * The app's `Person` model as three deploys saw it:
 *   v1  { name: 'Ada Lovelace' }                       (no plugin yet)
 *   v2  { first: 'Ada', last: 'Lovelace' }             (versioned plugin, version 2)
 *   v3  { first, last, email: 'ada.lovelace@example.org' }
 */
import { versioned } from '@ballast/mongoose';
import mongoose, { type Connection, type Model } from 'mongoose';

type Doc = Record<string, unknown>;

export const upgrades = {
  2: ({ name, ...doc }: Doc) => {
    const [first, ...rest] = String(name).split(' ');
    return { ...doc, first, last: rest.join(' ') };
  },
  3: (doc: Doc) => ({ ...doc, email: `${doc.first}.${doc.last}@example.org`.toLowerCase() }),
};

export const downgrades = {
  2: ({ first, last, ...doc }: Doc) => ({ ...doc, name: `${first} ${last}` }),
  3: ({ email: _email, ...doc }: Doc) => doc,
};

export const COLLECTION = 'people';

export interface Person {
  _id: number;
  name?: string;
  first?: string;
  last?: string;
  email?: string;
  schemaVersion?: number;
}

export function personModel(connection: Connection, version: 1 | 2 | 3): Model<Person> {
  const name = `Person_v${version}`;
  if (connection.models[name]) return connection.models[name] as Model<Person>;
  if (version === 1)
    return connection.model<Person>(
      name,
      new mongoose.Schema<Person>({ _id: Number, name: String }),
      COLLECTION,
    );
  const schema = new mongoose.Schema<Person>({
    _id: Number,
    first: String,
    last: String,
    ...(version === 3 ? { email: String } : {}),
  });
  schema.plugin(versioned, {
    version,
    upgrades: version === 3 ? upgrades : { 2: upgrades[2] },
    downgrades: version === 3 ? downgrades : { 2: downgrades[2] },
  });
  return connection.model<Person>(name, schema, COLLECTION);
}
