import { realpathSync } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where user code called a helper: the migration file, for journal keys and error messages. */
export interface CallSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The calling function's name as V8 reports it (`up`, `Object.down`, …), when known. */
  readonly fn?: string;
}

// This package's own directory (src/ or dist/ alike): frames inside it are ours, not the caller's.
const ownDir = dirname(realpathSync(fileURLToPath(import.meta.url)));

const FRAME = /^\s*at (?:(?:async )?(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

function isUserFrame(file: string): boolean {
  return (
    !file.startsWith('node:') &&
    !file.startsWith(ownDir + sep) &&
    !file.includes(`${sep}node_modules${sep}`) &&
    !file.startsWith('internal/')
  );
}

/** The stack frames outside this package, Node internals and node_modules, innermost first. */
export function userCallSites(): CallSite[] {
  const { stackTraceLimit, prepareStackTrace } = Error;
  Error.stackTraceLimit = 64;
  // Node's own formatting applies source maps (TypeScript migrations run through tsx, ts-node …);
  // a prepareStackTrace installed by another tool (a test runner, source-map-support) may not, and
  // would point messages at the transpiled line.
  Reflect.deleteProperty(Error, 'prepareStackTrace');
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = stackTraceLimit;
  if (prepareStackTrace) Error.prepareStackTrace = prepareStackTrace;
  const sites: CallSite[] = [];
  for (const line of stack.split('\n').slice(1)) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const file = m[2]!.startsWith('file://') ? fileURLToPath(m[2]!) : m[2]!;
    if (!isUserFrame(file)) continue;
    sites.push({ file, line: Number(m[3]), column: Number(m[4]), ...(m[1] ? { fn: m[1] } : {}) });
  }
  return sites;
}

/** A path relative to the working directory when inside it (as people type it). */
export function relativePath(file: string): string {
  const cwd = process.cwd() + sep;
  return file.startsWith(cwd) ? file.slice(cwd.length) : file;
}

/** `migrations/20240101_x.ts:12`. */
export const describeCallSite = (site: CallSite) => `${relativePath(site.file)}:${site.line}`;

/** Knex names a file-system migration by its file name (what knex_migrations.name stores). */
export const migrationNameOf = (site: CallSite) => basename(site.file);
