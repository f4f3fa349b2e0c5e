import assert from 'node:assert/strict';
import { waveSizes } from '@ballast/core';
import { test } from 'vitest';

test('wave sizes: cumulative percentages or counts, at least one database per wave, the last covers the fleet', () => {
  assert.deepEqual(waveSizes(20), [1, 1, 8, 10]); // 1%, 10%, 50%, 100% of 20
  assert.deepEqual(waveSizes(1000), [10, 90, 400, 500]);
  assert.deepEqual(waveSizes(3), [1, 1, 1]); // a small fleet: the empty fourth wave is dropped
  assert.deepEqual(waveSizes(1), [1]);
  assert.deepEqual(waveSizes(20, ['5', '10', 15, '100%']), [5, 5, 5, 5]);
  assert.deepEqual(waveSizes(20, [50]), [20]); // a count above the fleet is the fleet
  assert.throws(() => waveSizes(20, ['10%', '50%']), { name: 'InvalidArgumentError' });
  assert.throws(() => waveSizes(20, ['0%', '100%']), { name: 'InvalidArgumentError' });
  assert.throws(() => waveSizes(20, ['ten', '100%']), { name: 'InvalidArgumentError' });
});
