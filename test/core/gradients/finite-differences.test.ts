import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../src/core/backends/select.js';
import { SOLVER_NAMES } from '../../../src/core/solvers/index.js';
import { GRADIENT_METHODS } from '../../../src/core/gradients/index.js';
import { discreteCheckpointed } from '../../../src/core/gradients/discrete.js';
import { mlpNetwork, toyProblem, options } from '../../helpers/toy.js';
import { directional, disposeOutcome } from '../../helpers/fd.js';
import type { Wrt } from '../../../src/core/gradients/types.js';

const ALL: Wrt[] = ['x_T', 'z', 'guidance_scale', 'uncond', 'theta'];

before(async () => {
  await selectBackend('cpu');
});

function close({ fd, analytic, scale }: { fd: number; analytic: number; scale: number }, tol: number, what: string): void {
  const err = Math.abs(fd - analytic) / Math.max(Math.abs(fd), scale, 1e-6);
  assert.ok(err <= tol, `${what}: finite differences ${fd} vs gradient ${analytic} (relative ${err.toExponential(2)})`);
}

// The exact gradient of each solver against central differences of that same solver.
for (const solver of SOLVER_NAMES) {
  for (const batch of [1, 2]) {
    test(`discrete ${solver} batch ${batch} matches finite differences for x_T, z, w, u and theta`, async () => {
      // Explicit Runge-Kutta steps are unstable on a coarse grid near T (f h = -2.5 at 4 steps) and make the map needlessly stiff.
      const substeps = ['euler', 'heun', 'rk4'].includes(solver) ? 3 : 1;
      const p = toyProblem({ solver, batch, steps: 4, substeps, guidance: true, network: mlpNetwork(3, 2, 8, 'epsilon', 3) });
      const r = await discreteCheckpointed(p, options({ wrt: ALL }));
      for (const wrt of ALL) {
        close(await directional(p, r.grads, wrt, 1e-3), 1e-2, `${solver} ${wrt}`);
      }
      disposeOutcome(r);
      p.dispose();
    });
  }
}

// The continuous adjoints approximate the gradient of the exact ODE: compare them with
// central differences of a fine rk4 solve, which is close to the exact flow.
for (const method of ['adjoint', 'adjoint_backsolve', 'adjoint_deis']) {
  for (const prediction of ['epsilon', 'v', 'x0'] as const) {
    test(`${method} (${prediction} prediction) matches finite differences of a fine solve`, async () => {
      const p = toyProblem({ solver: 'rk4', steps: 4, substeps: 8, batch: 2, guidance: true, tEnd: 0.02, network: mlpNetwork(3, 2, 8, prediction, 4) });
      const r = await GRADIENT_METHODS[method](p, options({ wrt: ALL, adjointSubsteps: method === 'adjoint_deis' ? 8 : 2, adjointSolver: 'rk4' }));
      for (const wrt of ALL) {
        close(await directional(p, r.grads, wrt), 2e-2, `${method} ${wrt}`);
      }
      disposeOutcome(r);
      p.dispose();
    });
  }
}
