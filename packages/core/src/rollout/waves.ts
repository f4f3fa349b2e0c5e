import { InvalidArgumentError } from '../errors.js';
import type { WaveSize } from './types.js';

export const DEFAULT_WAVES: readonly WaveSize[] = ['1%', '10%', '50%', '100%'];

/**
 * Cumulative wave sizes → the number of databases in each wave. Every wave gets at least one
 * database; waves left empty on a small fleet are dropped; the last wave must reach the fleet.
 */
export function waveSizes(fleet: number, waves: readonly WaveSize[] = DEFAULT_WAVES): number[] {
  const reach = waves.map((w) => reachOf(w, fleet));
  if (reach.length === 0 || reach[reach.length - 1]! < fleet)
    throw new InvalidArgumentError([
      {
        argument: 'rollout waves',
        given: waves.join(', ') || '(none)',
        allowed: `cumulative sizes whose last one covers the fleet of ${fleet} (e.g. 1%, 10%, 50%, 100%)`,
      },
    ]);
  const sizes: number[] = [];
  let done = 0;
  for (const r of reach) {
    const end = Math.min(fleet, Math.max(done + 1, r));
    if (end > done) sizes.push(end - done);
    done = end;
  }
  return sizes;
}

function reachOf(w: WaveSize, fleet: number): number {
  const text = String(w).trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (pct && Number(pct[1]) > 0 && Number(pct[1]) <= 100) return Math.ceil((Number(pct[1]) / 100) * fleet);
  if (/^\d+$/.test(text) && Number(text) > 0) return Number(text);
  throw new InvalidArgumentError([
    {
      argument: 'rollout wave',
      given: text,
      allowed: 'a percentage in (0, 100] such as 10%, or a count > 0',
    },
  ]);
}
