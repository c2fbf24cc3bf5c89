/** Every method, run twice, leaves the number of live tensors where it was. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/core/tf.js';
import { selectBackend } from '../../../src/core/backends/select.js';
import { GRADIENT_METHODS } from '../../../src/core/gradients/index.js';
import { toyProblem, options } from '../../helpers/toy.js';
import { disposeOutcome } from '../../helpers/fd.js';

before(async () => {
  await selectBackend('cpu');
});

for (const method of Object.keys(GRADIENT_METHODS)) {
  for (const solver of ['ddim', 'dpmpp_2m', 'heun']) {
    for (const budget of [0, 1e9]) {
      test(`${method} ${solver} (budget ${budget}) leaks no tensor`, async () => {
        const p = toyProblem({ solver, steps: 3, substeps: 2, guidance: true });
        const run = async () => {
          const r = await GRADIENT_METHODS[method](p, options({ adjointSubsteps: 3, memoryBudgetBytes: budget }));
          disposeOutcome(r);
        };
        await run(); // warm-up: caches (tape size) fill on the first run
        const before = tf.memory().numTensors;
        await run();
        await run();
        assert.equal(tf.memory().numTensors, before);
        p.dispose();
      });
    }
  }
}
