import { type ZodType, z } from 'zod';
import { type ArgumentProblem, InvalidArgumentError } from '../errors.js';
import { showValue } from './show.js';
import { closest } from './suggest.js';

/**
 * The one way public inputs are checked: `parseArgs(schema, value, 'planAddColumn input')`
 * returns the parsed value or throws InvalidArgumentError naming each wrong argument, what was
 * given, what is allowed and, for a typo, the key or value meant. Runs before any SQL.
 */
export function parseArgs<S extends ZodType>(schema: S, value: unknown, label: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidArgumentError(
    problemsOf(result.error.issues, schema, value, (path) => label + showPath(path)),
  );
}

/**
 * Positional arguments checked by name: `parseCall('safeAddColumn', { table, column, spec }, args)`
 * reports `safeAddColumn spec.defualt`. Missing arguments are undefined; extra ones are refused.
 */
export function parseCall<S extends Readonly<Record<string, ZodType>>>(
  call: string,
  shape: S,
  args: readonly unknown[],
): z.output<z.ZodObject<S>> {
  const names = Object.keys(shape);
  if (args.length > names.length) {
    throw new InvalidArgumentError([
      {
        argument: call,
        given: `${args.length} arguments`,
        allowed: `at most ${names.length} (${names.join(', ')})`,
      },
    ]);
  }
  const named = Object.fromEntries(names.map((name, i) => [name, args[i]]));
  const schema = z.object(shape);
  const result = schema.safeParse(named);
  if (result.success) return result.data;
  const label = (path: readonly PropertyKey[]) =>
    path.length === 0 ? call : `${call} ${String(path[0])}${showPath(path.slice(1))}`;
  throw new InvalidArgumentError(problemsOf(result.error.issues, schema, named, label));
}

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

function problemsOf(
  issues: readonly Issue[],
  schema: ZodType,
  value: unknown,
  label: (path: Path) => string,
): [ArgumentProblem, ...ArgumentProblem[]] {
  const problems = issues.flatMap((issue) => problemsOfIssue(issue, [], schema, value, label));
  return problems as [ArgumentProblem, ...ArgumentProblem[]];
}

function problemsOfIssue(
  issue: Issue,
  base: Path,
  root: ZodType,
  value: unknown,
  label: (path: Path) => string,
): ArgumentProblem[] {
  const path = [...base, ...issue.path];
  const given = valueAt(value, path);
  const here = schemaAt(root, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = Object.keys(objectShape(here, given) ?? {});
      return issue.keys.map((key) => ({
        argument: label([...path, key]),
        given: showValue((given as Record<string, unknown>)[key]),
        allowed: `one of the keys ${allowed.join(', ')}`,
        suggestion: closest(key, allowed),
      }));
    }
    case 'invalid_union': {
      // A union is reported through the one member the value fits best, if exactly one does:
      // its type matches, then also its keys ({ sql: 1 } is a bad { sql }, not a bad { value }).
      const typed = issue.errors.filter((branch) => !branch.some(rootTypeMismatch));
      const keyed = typed.filter((branch) => !branch.some((i) => atRoot(i, 'unrecognized_keys')));
      const best = typed.length === 1 ? typed : keyed;
      if (best.length === 1) {
        return best[0]!.flatMap((inner) => problemsOfIssue(inner, path, root, value, label));
      }
      break;
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      return [
        {
          argument: label(path),
          given: showValue(given),
          allowed: describe(here) ?? `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
          suggestion: typeof given === 'string' ? closest(given, values) : undefined,
        },
      ];
    }
  }
  return [
    { argument: label(path), given: showValue(given), allowed: describe(here) ?? allowedOf(issue, here) },
  ];
}

const atRoot = (issue: Issue, ...codes: Issue['code'][]) =>
  issue.path.length === 0 && codes.includes(issue.code);
const rootTypeMismatch = (issue: Issue) => atRoot(issue, 'invalid_type', 'invalid_union', 'custom');

function allowedOf(issue: Issue, here: ZodType | undefined): string {
  switch (issue.code) {
    case 'invalid_union': {
      const options = here ? (defOf(unwrap(here)).options ?? []) : [];
      const each = options.map((o) => describe(o) ?? article(defOf(unwrap(o)).type));
      return each.length ? each.join(', or ') : issue.message;
    }
    case 'invalid_type':
      return article(issue.expected);
    case 'too_small':
      if (issue.origin === 'string') return 'a non-empty string';
      if (issue.origin === 'array') return `at least ${issue.minimum} item(s)`;
      return `a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      return `${issue.origin === 'array' ? 'at most' : 'a value <='} ${issue.maximum}`;
    default:
      return issue.message;
  }
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function showPath(path: Path): string {
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
}

function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

// Reading zod's schema tree (`_zod.def`) to name what is allowed at the place of an issue.
interface Def {
  readonly type: string;
  readonly shape?: Record<string, ZodType>;
  readonly innerType?: ZodType;
  readonly in?: ZodType;
  readonly out?: ZodType;
  readonly element?: ZodType;
  readonly valueType?: ZodType;
  readonly options?: readonly ZodType[];
}
const defOf = (schema: ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * Removes wrappers (optional, readonly, pipe …) that do not change which keys are allowed. A pipe
 * is read by its input, unless that is only a guard (a custom check), then by its output.
 */
function unwrap(schema: ZodType): ZodType {
  let current = schema;
  for (;;) {
    const inner = wrapped(current);
    if (!inner) return current;
    current = inner;
  }
}

function wrapped(schema: ZodType): ZodType | undefined {
  const def = defOf(schema);
  if (def.type !== 'pipe') return def.innerType;
  return def.in && defOf(def.in).type === 'custom' ? def.out : def.in;
}

function objectShape(schema: ZodType | undefined, value: unknown): Record<string, ZodType> | undefined {
  if (!schema) return undefined;
  const def = defOf(unwrap(schema));
  if (def.shape) return def.shape;
  if (def.type !== 'union') return undefined;
  // The object member sharing most keys with the value.
  const given = typeof value === 'object' && value !== null ? Object.keys(value) : [];
  const shapes = (def.options ?? []).map((o) => objectShape(o, value)).filter((s) => s !== undefined);
  const score = (s: Record<string, ZodType>) => given.filter((k) => k in s).length;
  return shapes.sort((a, b) => score(b) - score(a))[0];
}

function schemaAt(schema: ZodType, path: Path): ZodType | undefined {
  let current: ZodType | undefined = schema;
  for (const key of path) {
    if (!current) return undefined;
    const def = defOf(unwrap(current));
    current = def.element ?? def.valueType ?? objectShape(current, undefined)?.[String(key)];
  }
  return current;
}

/** The description of the schema or of the first wrapped schema that has one. */
function describe(schema: ZodType | undefined): string | undefined {
  for (let current = schema; current; current = wrapped(current)) {
    if (current.description) return current.description;
  }
  return undefined;
}
