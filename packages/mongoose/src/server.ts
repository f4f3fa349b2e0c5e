import { UnsupportedServerError } from '@ballast/core';
import type { mongo } from 'mongoose';

/** Error codes of a server that does not implement a command or option (FerretDB: NotImplemented). */
const UNSUPPORTED_CODES = new Set([
  238, // NotImplemented
  59, // CommandNotFound
  115, // CommandNotSupported
]);

export function isUnsupported(error: unknown): boolean {
  return UNSUPPORTED_CODES.has((error as { code?: number }).code ?? -1);
}

/** `MongoDB 7.0.14` or `FerretDB v1.24.2`, for messages. */
export async function serverName(db: mongo.Db): Promise<string> {
  const info = await db.admin().command({ buildInfo: 1 });
  return info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`;
}

/** The server's refusal as an UnsupportedServerError saying what was refused, by which server, and what to do. */
export async function unsupported(
  db: mongo.Db,
  what: string,
  error: unknown,
  details: { readonly where: string; readonly hint: string },
): Promise<UnsupportedServerError> {
  const reason = (error as Error).message.split('\n')[0];
  return new UnsupportedServerError(`${what}: ${await serverName(db)} refuses it (${reason})`, {
    ...details,
    cause: error,
  });
}
