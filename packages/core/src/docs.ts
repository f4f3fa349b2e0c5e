import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where a Ballast doc is on this machine, for messages that send the user to one: inside the
 * installed @ballast/core (its tarball ships docs/, see scripts/pack-docs.mjs), else in the
 * repository checkout this code runs from. Relative to the working directory when below it (so
 * `docs/rules/x.md` in the repository, `node_modules/…/docs/rules/x.md` in a project), else absolute.
 */
export function docPath(doc: string): string {
  // From src/docs.ts and from dist/docs.js alike: ../docs is the package's, ../../../docs the repository's.
  for (const base of ['../docs/', '../../../docs/']) {
    const path = fileURLToPath(new URL(base + doc, import.meta.url));
    if (existsSync(path)) {
      const fromCwd = relative(process.cwd(), path);
      return fromCwd.startsWith('..') || isAbsolute(fromCwd) ? path : fromCwd;
    }
  }
  return `docs/${doc}`;
}
