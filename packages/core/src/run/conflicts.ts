import type { Database } from '../db.js';
import { runtimeOf } from '../dialects/runtime-of.js';
import { ObjectConflictError } from '../errors.js';
import type { Plan } from '../plan.js';

/**
 * Before the first step: every step that creates a named object is compared with what already
 * carries that name. "Already done" must mean "exists as asked", so an object that only shares
 * the name stops the whole plan here, while nothing has changed yet.
 */
export async function refuseConflicts(
  db: Database,
  plan: Plan,
  journaled: ReadonlySet<string>,
): Promise<void> {
  // Steps a journal already records as done were checked by the run that did them.
  const expecting = plan.steps.filter((s) => s.expects !== undefined && !journaled.has(s.id));
  // A dialect without comparisons yet keeps the steps' own done-probes only.
  const findConflict = runtimeOf(db).findConflict;
  if (expecting.length === 0 || !findConflict) return;
  await db.withSession(async (session) => {
    for (const step of expecting) {
      const conflict = await findConflict(session, step.expects!, db.inTransaction === true);
      if (!conflict) continue;
      throw new ObjectConflictError(
        `${plan.operation} ${plan.target}: ${conflict.object} already exists with another definition ` +
          `(existing: ${conflict.existing}; requested: ${conflict.requested}). Nothing was changed.`,
        conflict.existing,
        conflict.requested,
        { where: `${conflict.object} (step ${step.id})`, hint: conflict.hint },
      );
    }
  });
}
