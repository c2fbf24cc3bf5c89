/**
 * The order of convergence of the continuous adjoint methods, on the closed-form linear
 * model: error of dL/dz and dL/dtheta against the exact gradient as adjoint substeps grow,
 * with the fitted log-log slope. Prints a table.
 */
import { tf } from '../src/core/tf.js';
import { selectBackend } from '../src/core/backends/select.js';
import { GRADIENT_METHODS } from '../src/core/gradients/index.js';
import { linearProblem } from '../test/core/gradients/linear-setup.js';
import { options, relL2 } from '../test/helpers/toy.js';
import type { AdjointSolverName } from '../src/core/gradients/types.js';

await selectBackend(process.env.BACKEND === 'wasm' ? 'wasm' : 'cpu');
const variants: Array<{ label: string; method: string; adjointSolver?: AdjointSolverName; deisOrder?: 1 | 2 }> = [
  { label: 'adjoint euler', method: 'adjoint', adjointSolver: 'euler' },
  { label: 'adjoint heun', method: 'adjoint', adjointSolver: 'heun' },
  { label: 'adjoint rk4', method: 'adjoint', adjointSolver: 'rk4' },
  { label: 'adjoint_backsolve heun', method: 'adjoint_backsolve', adjointSolver: 'heun' },
  { label: 'adjoint_deis order 1', method: 'adjoint_deis', deisOrder: 1 },
  { label: 'adjoint_deis order 2', method: 'adjoint_deis', deisOrder: 2 },
];
const substeps = [1, 2, 4, 8, 16];
console.log(`| method | ${substeps.map((m) => `m=${m}`).join(' | ')} | slope |`);
console.log(`|---|${substeps.map(() => '---').join('|')}|---|`);
for (const v of variants) {
  const errors: number[] = [];
  for (const m of substeps) {
    const { problem, exact } = linearProblem(0.3, { solver: 'rk4', steps: 4, tEnd: 0.05 });
    const r = await GRADIENT_METHODS[v.method](problem, options({ adjointSubsteps: m, adjointSolver: v.adjointSolver ?? 'rk4', deisOrder: v.deisOrder ?? 2, wrt: ['x_T', 'z', 'theta'] }));
    const z = r.grads.z!.dataSync();
    const exactZ = Float64Array.from(exact.gradZ.flatMap((g) => Array.from(g)));
    errors.push(Math.max(relL2(z, exactZ), relL2(r.grads.theta!.C, exact.gradC), relL2(r.grads.x_T!, exact.gradXT)));
    tf.dispose([r.x0, r.grads.x_T!, r.grads.z!, ...Object.values(r.grads.theta!)]);
    problem.dispose();
  }
  const slope = Math.log(errors[errors.length - 3] / errors[errors.length - 1]) / Math.log(4);
  console.log(`| ${v.label} | ${errors.map((e) => e.toExponential(2)).join(' | ')} | ${slope.toFixed(2)} |`);
}
