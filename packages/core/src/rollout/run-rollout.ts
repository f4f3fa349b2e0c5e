import type { Database } from '../db.js';
import { BallastError, InvalidArgumentError } from '../errors.js';
import { silentProgress } from '../report/progress.js';
import { parseCall } from '../validate/parse.js';
import { observeGate } from './gates.js';
import { rolloutArgs } from './options.js';
import {
  createRollout,
  ensureRolloutTables,
  readRollouts,
  readTarget,
  reopenRollout,
  setRollout,
  setTarget,
  withTargetClaim,
} from './state.js';
import { mapLimit, redact, targetKey } from './targets.js';
import type { RolloutOptions, RolloutState, RolloutTargetState } from './types.js';
import { waveSizes } from './waves.js';

/** A rollout stopped at a wave (gate or migration failure); rerun with retryHalted once fixed. */
export class RolloutHaltedError extends BallastError {
  override readonly name = 'RolloutHaltedError';
  constructor(
    readonly rollout: string,
    readonly wave: number,
    readonly reason: string,
  ) {
    super(`rollout ${rollout} is halted at wave ${wave}: ${reason}`, {
      where: `rollout ${rollout}, wave ${wave}`,
      hint:
        'ballast rollout status shows each database; fix the cause, then rerun with retryHalted: true ' +
        '(--retry): the databases rolled back or failed are migrated again, the others are not touched',
    });
  }
}

/**
 * Applies the migrator's pending migrations to every target, wave after wave, each wave with at
 * most `concurrency` databases at once, the gate observed after each wave but the last. State
 * lives in `control` (state.ts): a rerun with the same id resumes where the last run stopped and
 * never applies a database's migrations twice. Resolves with the final state; a halt (gate or
 * migration failure) resolves too, with status `halted` (after the rollback, if asked). A halted
 * rollout rerun: with `retryHalted` it continues; else with `autoRollback` its halted wave is
 * rolled back (again); else RolloutHaltedError.
 */
export async function runRollout(control: Database, options: RolloutOptions): Promise<RolloutState> {
  parseCall('runRollout', rolloutArgs, [control, options]);
  const { id, migrator } = options;
  const progress = options.progress ?? silentProgress;
  const log = options.log ?? (() => {});
  const concurrency = options.concurrency ?? 4;
  const urls = new Map(options.targets.map((url) => [targetKey(url), url]));
  if (urls.size !== options.targets.length || urls.size === 0)
    throw new InvalidArgumentError([
      {
        argument: `rollout ${id} targets`,
        given: `${options.targets.length} URLs, ${urls.size} distinct`,
        allowed: 'at least one URL, each database once',
      },
    ]);
  const sizes = waveSizes(urls.size, options.waves);
  const keys = [...urls.keys()];
  const assignment = keys.map((target, i) => ({ target, wave: waveOf(sizes, i) }));

  await ensureRolloutTables(control);
  await createRollout(control, id, assignment, sizes.length);
  let state = await current();
  requireSameFleet(state, keys);
  if (state.status === 'halted') {
    const wave = state.haltedWave ?? 0;
    // Asked to roll back a halted wave (a rollback cut short by a crash, or a halt that had none): do it, stay halted.
    if (!options.retryHalted && options.autoRollback) {
      await rollbackWave(state.targets.filter((t) => t.wave === wave).map((t) => urls.get(t.target)!));
      return current();
    }
    if (!options.retryHalted) throw new RolloutHaltedError(id, wave, state.haltReason ?? '');
    await reopenRollout(control, id);
    state = await current();
  }

  const total = state.targets.length;
  let applied = state.targets.filter((t) => t.status === 'applied').length;
  const overall = (phase: string) => ({ operation: 'rollout', target: id, done: applied, total, phase });

  for (let wave = 1; wave <= state.waves; wave++) {
    const members = state.targets.filter((t) => t.wave === wave);
    const todo = members.filter((t) => t.status !== 'applied');
    if (todo.length > 0)
      log(`wave ${wave}/${state.waves}: ${todo.length} of ${members.length} databases to migrate`);
    const failures = (
      await mapLimit(todo, concurrency, async (t) => {
        const error = await migrateTarget(t.target);
        if (!error) applied += 1;
        progress.update(overall(`wave ${wave}/${state.waves}`));
        return error && `${t.target}: ${error}`;
      })
    ).filter((e): e is string => e !== undefined);
    const memberUrls = members.map((t) => urls.get(t.target)!);
    let reason =
      failures.length > 0 ? `migration failed on ${failures.length} database(s): ${failures[0]}` : undefined;
    if (!reason && options.gate && wave < state.waves && state.gatesPassed < wave) {
      log(
        `wave ${wave}: health gate (${options.gate.checks.length} checks, soak ${options.gate.soakMs ?? 0} ms)`,
      );
      const verdict = await observeGate(
        options.gate,
        { rollout: id, wave, targets: members.map((t) => t.target) },
        memberUrls,
        log,
      );
      reason = verdict.ok ? undefined : (verdict.reason ?? 'gate failed');
    }
    if (reason) {
      log(`wave ${wave}: HALT: ${reason}`);
      await setRollout(control, id, { status: 'halted', halted: { wave, reason } });
      if (options.autoRollback) await rollbackWave(memberUrls);
      progress.finish({ ...overall(`halted at wave ${wave}`), error: reason });
      return current();
    }
    if (wave < state.waves) await setRollout(control, id, { gatesPassed: wave });
  }
  await setRollout(control, id, { status: 'done' });
  progress.finish({ ...overall('done'), message: `${total} databases migrated` });
  return current();

  async function current(): Promise<RolloutState> {
    return (await readRollouts(control, id))[0]!;
  }

  /** Claims the target, re-reads its state under the claim, applies; an error message, or undefined. */
  function migrateTarget(target: string): Promise<string | undefined> {
    const url = urls.get(target)!;
    return withTargetClaim(control, id, target, async (s) => {
      const before = await readTarget(s, id, target);
      if (before.status === 'applied') return undefined; // another runner of this rollout did it
      // 'applying' under our claim: the runner that set it died mid-migration.
      const forceUnlock = before.status === 'applying';
      try {
        const batchBefore = before.batchBefore ?? (await migrator.batch(url));
        await setTarget(s, id, target, 'applying', { batchBefore, started: true, error: null });
        const pending = await migrator.pending(url);
        progress.update({ operation: 'rollout', target, done: 0, total: pending.length, phase: 'applying' });
        const names = await migrator.up(url, { forceUnlock });
        await setTarget(s, id, target, 'applied', {
          migrations: [...before.migrations, ...names],
          finished: true,
        });
        progress.finish({
          operation: 'rollout',
          target,
          done: names.length,
          message: `${names.length} migrations applied`,
        });
        return undefined;
      } catch (error) {
        const message = redact((error as Error).message ?? String(error), url);
        await setTarget(s, id, target, 'failed', { error: message, finished: true });
        progress.finish({ operation: 'rollout', target, done: 0, error: message });
        return message;
      }
    });
  }

  /** Down migrations back to each database's batch before the rollout; the other waves are untouched. */
  async function rollbackWave(memberUrls: readonly string[]): Promise<void> {
    await mapLimit(memberUrls, concurrency, (url) =>
      withTargetClaim(control, id, targetKey(url), async (s) => {
        const t = await readTarget(s, id, targetKey(url));
        if (t.batchBefore === null || t.status === 'rolled-back' || t.status === 'pending') return;
        try {
          await setTarget(s, id, t.target, 'rolling-back');
          const names = await migrator.rollbackAfter(url, t.batchBefore);
          await setTarget(s, id, t.target, 'rolled-back', { migrations: [], finished: true });
          log(`${t.target}: rolled back ${names.length} migrations`);
        } catch (error) {
          const message = redact((error as Error).message ?? String(error), url);
          await setTarget(s, id, t.target, 'failed', {
            error: `rollback failed: ${message}`,
            finished: true,
          });
          log(`${t.target}: ROLLBACK FAILED: ${message}`);
        }
      }),
    );
  }
}

function waveOf(sizes: readonly number[], index: number): number {
  let end = 0;
  for (let w = 0; w < sizes.length; w++) {
    end += sizes[w]!;
    if (index < end) return w + 1;
  }
  return sizes.length;
}

/** A rerun must name the same fleet: a database added or left out would change the waves under way. */
function requireSameFleet(state: RolloutState, keys: readonly string[]): void {
  const known = new Set(state.targets.map((t: RolloutTargetState) => t.target));
  const added = keys.filter((k) => !known.has(k));
  const missing = [...known].filter((k) => !keys.includes(k));
  if (added.length === 0 && missing.length === 0) return;
  throw new BallastError(
    `rollout ${state.id} was started with another fleet: ${added.length} database(s) not in it (${added.slice(0, 3).join(', ')}), ${missing.length} of it not given (${missing.slice(0, 3).join(', ')})`,
    {
      where: `rollout ${state.id}`,
      hint: 'pass the same targets to resume it, or start a new rollout under another id for a changed fleet',
    },
  );
}
