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
// central differences of a fine solve (close to the exact flow), for every solver that
// provides the checkpoints, every prediction type, batch 1 and 2.
// Substeps at which each solver's checkpoints are within about 1% of the exact flow
// (first-order methods need many: their checkpoints carry O(h) error into the adjoint).
// dpmpp_2m carries its history across z pieces, which makes it first order where z jumps:
// it gets one piece here (the z-schedule is covered by the other solvers).
const FINE: Record<string, { pieces: number; substeps: number; tol: number }> = {
  euler: { pieces: 4, substeps: 192, tol: 3e-2 },
  heun: { pieces: 4, substeps: 16, tol: 2e-2 },
  rk4: { pieces: 4, substeps: 8, tol: 2e-2 },
  ddim: { pieces: 4, substeps: 384, tol: 3e-2 },
  dpmpp_2m: { pieces: 1, substeps: 256, tol: 2e-2 },
};
for (const method of ['adjoint', 'adjoint_backsolve', 'adjoint_deis']) {
  for (const solver of SOLVER_NAMES) {
    for (const batch of [1, 2]) {
      const prediction = (['epsilon', 'v', 'x0'] as const)[(solver.length + batch) % 3];
      test(`${method} with ${solver} checkpoints, batch ${batch} (${prediction} prediction) matches finite differences of a fine solve`, async () => {
        const { pieces, substeps, tol } = FINE[solver];
        const make = (s: string, m: number) => toyProblem({ solver: s, steps: pieces, substeps: m, batch, guidance: true, tEnd: 0.02, grid: 'uniform_lambda', network: mlpNetwork(3, 2, 8, prediction, 4) });
        const p = make(solver, substeps);
        // The reference: central differences of a very fine rk4 solve (the same data and weights).
        const reference = make('rk4', 96 / pieces);
        const r = await GRADIENT_METHODS[method](p, options({ wrt: ALL, adjointSubsteps: method === 'adjoint_deis' ? 4 : 1, adjointSolver: 'rk4' }));
        for (const wrt of ALL) close(await directional(reference, r.grads, wrt), tol, `${method} ${wrt}`);
        disposeOutcome(r);
        p.dispose();
        reference.dispose();
      });
    }
  }
}
