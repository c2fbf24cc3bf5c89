import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/core/tf.js';
import { selectBackend } from '../../../src/core/backends/select.js';
import { SOLVER_NAMES } from '../../../src/core/solvers/index.js';
import { discreteCheckpointed, discreteUnrolled } from '../../../src/core/gradients/discrete.js';
import { toyProblem, options, relL2 } from '../../helpers/toy.js';

before(async () => {
  await selectBackend('cpu');
});

for (const solver of SOLVER_NAMES) {
  for (const batch of [1, 3]) {
    test(`discrete ${solver} batch ${batch}: checkpointed recompute+VJP equals autodiff through the unrolled solve`, async () => {
      const p = toyProblem({ solver, batch, steps: 5, substeps: 2, guidance: true });
      const a = await discreteUnrolled(p, options());
      const b = await discreteCheckpointed(p, options());
      assert.equal(a.mode, 'unrolled');
      assert.equal(b.mode, 'checkpointed');
      assert.ok(Math.abs(a.loss - b.loss) <= 1e-6 * Math.abs(a.loss));
      assert.ok(relL2(b.x0, a.x0) < 1e-6);
      for (const key of ['x_T', 'z', 'guidance_scale', 'uncond'] as const) {
        const e = relL2(b.grads[key]!, a.grads[key]!);
        assert.ok(e <= 1e-5, `${key}: relative L2 ${e}`);
      }
      for (const name of Object.keys(a.grads.theta!)) {
        const e = relL2(b.grads.theta![name], a.grads.theta![name]);
        assert.ok(e <= 1e-5, `theta ${name}: relative L2 ${e}`);
      }
      assert.deepEqual(b.grads.z!.shape, [5, batch, 2]);
      assert.deepEqual(b.grads.guidance_scale!.shape, [5]);
      for (const r of [a, b]) {
        tf.dispose([r.x0, r.grads.x_T!, r.grads.z!, r.grads.guidance_scale!, r.grads.uncond!, ...Object.values(r.grads.theta!)]);
      }
      p.dispose();
    });
  }
}
