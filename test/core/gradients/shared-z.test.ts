/** With the same z in every piece, sum_k dL/dz_k is the gradient for one global z. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/core/tf.js';
import { selectBackend } from '../../../src/core/backends/select.js';
import { GRADIENT_METHODS } from '../../../src/core/gradients/index.js';
import { discreteCheckpointed } from '../../../src/core/gradients/discrete.js';
import { runStep } from '../../../src/core/solvers/driver.js';
import { SOLVER_NAMES } from '../../../src/core/solvers/index.js';
import { toyProblem, options, relL2 } from '../../helpers/toy.js';
import { disposeOutcome } from '../../helpers/fd.js';

before(async () => {
  await selectBackend('cpu');
});

for (const solver of SOLVER_NAMES) {
  test(`${solver}: sum_k dL/dz_k equals autodiff w.r.t. one shared z`, async () => {
    const p = toyProblem({ solver, steps: 5, batch: 2, sharedZ: true });
    const z = p.conds[0].z;
    const { grads, value } = tf.engine().gradients(
      () => {
        let state = { x: p.xT, history: [] as tf.Tensor[] };
        for (let s = 0; s < p.grid.interval.length; s++) state = runStep(p, s, state);
        return p.loss.value(state.x);
      },
      [z],
    );
    const r = await discreteCheckpointed(p, options({ wrt: ['z'] }));
    const summed = tf.sum(r.grads.z!, 0);
    assert.ok(relL2(summed, grads[0]) <= 1e-5, `relative L2 ${relL2(summed, grads[0])}`);
    tf.dispose([summed, value, ...grads]);
    disposeOutcome(r);
    p.dispose();
  });
}

test('continuous adjoints: sum_k dL/dz_k agrees with the discrete global-z gradient of a fine solve', async () => {
  const p = toyProblem({ solver: 'rk4', steps: 4, substeps: 8, batch: 2, sharedZ: true, tEnd: 0.02 });
  const ref = await discreteCheckpointed(p, options({ wrt: ['z'] }));
  const refSum = tf.sum(ref.grads.z!, 0);
  for (const method of ['adjoint', 'adjoint_backsolve', 'adjoint_deis']) {
    const r = await GRADIENT_METHODS[method](p, options({ wrt: ['z'], adjointSubsteps: method === 'adjoint_deis' ? 8 : 2 }));
    const summed = tf.sum(r.grads.z!, 0);
    assert.ok(relL2(summed, refSum) <= 1e-2, `${method}: relative L2 ${relL2(summed, refSum)}`);
    summed.dispose();
    disposeOutcome(r);
  }
  refSum.dispose();
  disposeOutcome(ref);
  p.dispose();
});
