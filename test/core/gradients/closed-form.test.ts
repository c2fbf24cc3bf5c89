/**
 * The linear model eps = a x + z_k C + b has a closed-form flow and gradient
 * (test/helpers/closed-form.ts). DDIM is exact for a = 0; the continuous adjoints converge
 * to the exact gradient at their orders as adjoint substeps grow.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../src/core/backends/select.js';
import { GRADIENT_METHODS } from '../../../src/core/gradients/index.js';
import { discreteCheckpointed, discreteUnrolled } from '../../../src/core/gradients/discrete.js';
import type { AdjointSolverName, GradientOutcome } from '../../../src/core/gradients/types.js';
import { options, relL2 } from '../../helpers/toy.js';
import { disposeOutcome } from '../../helpers/fd.js';
import { linearProblem } from './linear-setup.js';
import type { ClosedForm } from '../../helpers/closed-form.js';

before(async () => {
  await selectBackend('cpu');
});

function errors(r: GradientOutcome, exact: ClosedForm): Record<string, number> {
  return {
    x0: relL2(r.x0, exact.x0 as unknown as Float32Array),
    x_T: relL2(r.grads.x_T!, exact.gradXT as unknown as Float32Array),
    z: relL2(r.grads.z!, Float32Array.from(exact.gradZ.flatMap((g) => Array.from(g)))),
    C: relL2(r.grads.theta!.C, exact.gradC as unknown as Float32Array),
    b: relL2(r.grads.theta!.b, exact.gradB as unknown as Float32Array),
  };
}

for (const steps of [1, 4, 7]) {
  test(`ddim is exact for eps = z_k C + b (${steps} pieces): x_0 and every gradient to float32 rounding`, async () => {
    for (const method of [discreteUnrolled, discreteCheckpointed]) {
      const { problem, exact } = linearProblem(0, { solver: 'ddim', steps });
      const r = await method(problem, options({ wrt: ['x_T', 'z', 'theta'] }));
      for (const [k, e] of Object.entries(errors(r, exact))) assert.ok(e <= 1e-5, `${k}: relative error ${e}`);
      disposeOutcome(r);
      problem.dispose();
    }
  });
}

const ORDERS: Array<{ label: string; method: string; solver?: AdjointSolverName; deis?: 1 | 2; order: number; slack: number }> = [
  { label: 'adjoint euler', method: 'adjoint', solver: 'euler', order: 1, slack: 0.35 },
  { label: 'adjoint heun', method: 'adjoint', solver: 'heun', order: 2, slack: 0.3 },
  { label: 'adjoint rk4', method: 'adjoint', solver: 'rk4', order: 4, slack: 0.5 },
  { label: 'adjoint_backsolve heun', method: 'adjoint_backsolve', solver: 'heun', order: 2, slack: 0.3 },
  { label: 'adjoint_deis order 1', method: 'adjoint_deis', deis: 1, order: 1, slack: 0.2 },
  { label: 'adjoint_deis order 2', method: 'adjoint_deis', deis: 2, order: 2, slack: 0.3 },
];

for (const o of ORDERS) {
  test(`${o.label} converges to the exact continuous gradient at order ${o.order}`, async () => {
    const substeps = o.order === 4 ? [2, 4, 8] : [8, 16, 32];
    const worst: number[] = [];
    for (const m of substeps) {
      const { problem, exact } = linearProblem(0.3, { solver: 'rk4', steps: 4, tEnd: 0.05 });
      const r = await GRADIENT_METHODS[o.method](problem, options({ wrt: ['x_T', 'z', 'theta'], adjointSubsteps: m, adjointSolver: o.solver ?? 'rk4', deisOrder: o.deis ?? 2 }));
      worst.push(Math.max(...Object.entries(errors(r, exact)).filter(([k]) => k !== 'x0').map(([, e]) => e)));
      disposeOutcome(r);
      problem.dispose();
    }
    const slope = Math.log(worst[0] / worst[2]) / Math.log(substeps[2] / substeps[0]);
    assert.ok(Math.abs(slope - o.order) <= o.slack * o.order + 0.05, `observed order ${slope.toFixed(2)} (errors ${worst.map((e) => e.toExponential(2)).join(', ')})`);
    assert.ok(worst[2] < 0.2, `error at ${substeps[2]} substeps: ${worst[2]}`);
  });
}

test('adjoint rk4 with 16 substeps reaches the exact gradient to 1e-5', async () => {
  const { problem, exact } = linearProblem(0.3, { solver: 'rk4', steps: 4, tEnd: 0.05 });
  const r = await GRADIENT_METHODS.adjoint(problem, options({ wrt: ['x_T', 'z', 'theta'], adjointSubsteps: 16, adjointSolver: 'rk4' }));
  for (const [k, e] of Object.entries(errors(r, exact))) if (k !== 'x0') assert.ok(e <= 1e-5, `${k}: relative error ${e}`);
  disposeOutcome(r);
  problem.dispose();
});
