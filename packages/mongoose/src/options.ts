import { z } from 'zod';

/** One conversion step: gets a copy of the document, returns it at the next (or previous) version. */
// biome-ignore lint/suspicious/noConfusingVoidType: a step may mutate its argument and return nothing
export type VersionStep = (doc: Record<string, unknown>) => Record<string, unknown> | undefined | void;

/** What the plugin reports when it reads a document written by newer code. */
export interface NewerDocument {
  readonly model: string;
  readonly id: unknown;
  readonly version: number;
  readonly codeVersion: number;
}

const step = z.custom<VersionStep>((v) => typeof v === 'function', 'must be a function (doc) => doc');
const steps = z.record(z.string().regex(/^[1-9]\d*$/, 'keys must be version numbers'), step);

/** Field names must be top-level: no dots, no leading `$`. */
const fieldName = z.string().regex(/^[^$.][^.]*$/, 'must be a top-level field name (no dots, no leading $)');

/** Every step from 2 to `version` must exist, and no other. */
function checkSteps(
  map: Record<string, unknown> | undefined,
  version: number,
  name: string,
  ctx: z.RefinementCtx,
): void {
  if (!map) return;
  for (let v = 2; v <= version; v++) {
    if (!(String(v) in map))
      ctx.addIssue({ code: 'custom', path: [name, String(v)], message: `missing step to version ${v}` });
  }
  for (const key of Object.keys(map)) {
    const v = Number(key);
    if (v < 2 || v > version) {
      ctx.addIssue({
        code: 'custom',
        path: [name, key],
        message: `no version ${v} between 2 and ${version}`,
      });
    }
  }
}

export const versionedOptionsSchema = z
  .strictObject({
    /** The version this code reads and writes. */
    version: z.number().int().min(1),
    /** `upgrades[v]` converts a document from version v-1 to v. */
    upgrades: steps.default({}),
    /** `downgrades[v]` converts a document from version v back to v-1 (for `down`). */
    downgrades: steps.optional(),
    field: fieldName.default('schemaVersion'),
    onNewerDocument: z.custom<(doc: NewerDocument) => void>((v) => typeof v === 'function').optional(),
  })
  .superRefine((o, ctx) => {
    checkSteps(o.upgrades, o.version, 'upgrades', ctx);
    checkSteps(o.downgrades, o.version, 'downgrades', ctx);
  });

export type VersionedOptions = z.input<typeof versionedOptionsSchema>;
export type Versioning = z.output<typeof versionedOptionsSchema>;
