/**
 * Optional peers (knex, pg, mongoose, @ballast/mongoose) are imported only by the commands that
 * need them; when one is missing the user reads which package to install, not Node's
 * module-not-found stack.
 */
import { MissingDependencyError } from '@ballast/core';

export async function importOptional<T>(name: string, neededBy: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if (!isNotFound(error, name)) throw error;
    throw new MissingDependencyError(
      `${neededBy} needs the package \`${name}\`, which is not installed in this project`,
      {
        where: neededBy,
        hint: `install it next to @ballast/cli: npm install ${name}`,
        cause: error,
      },
    );
  }
}

/** Not found is about `name` itself, not about something it imports in turn. */
function isNotFound(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && (message ?? '').includes(`'${name}'`)
  );
}
