/**
 * Each solver's forward solve converges to the exact flow of the linear model at its
 * order, and the time grids are what they claim.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../src/core/backends/select.js';
import { solve } from '../../../src/core/solvers/driver.js';
import { makeGrid } from '../../../src/core/solvers/grid.js';
import { Schedule } from '../../../src/core/schedules/schedule.js';
import { vpLinear } from '../../../src/core/schedules/vp-linear.js';
import { linearProblem } from '../gradients/linear-setup.js';
import { relL2 } from '../../helpers/toy.js';

before(async () => {
  await selectBackend('cpu');
});

const ORDERS: Record<string, number> = { euler: 1, heun: 2, rk4: 4, ddim: 1, dpmpp_2m: 2 };

for (const [solver, order] of Object.entries(ORDERS)) {
  test(`${solver} converges at order ${order} on the closed-form flow`, async () => {
    const substeps = order === 4 ? [2, 4, 8] : [8, 16, 32];
    const errors: number[] = [];
    for (const m of substeps) {
      // eps = 0.5 x + ...: x enters eps, so no method is exact. One z piece: a multistep
      // method extrapolating across a jump of z is locally first order there.
      const { problem, exact } = linearProblem(0.5, { solver, steps: 1, substeps: 4 * m, tEnd: 0.05, grid: 'uniform_lambda' });
      const { x0 } = await solve(problem, problem.xT);
      errors.push(relL2(x0, exact.x0 as unknown as Float32Array));
      x0.dispose();
      problem.dispose();
    }
    const slope = Math.log(errors[0] / errors[2]) / Math.log(substeps[2] / substeps[0]);
    assert.ok(Math.abs(slope - order) <= 0.3 * order, `observed order ${slope.toFixed(2)} (errors ${errors.map((e) => e.toExponential(2)).join(', ')})`);
  });
}

test('grids: uniform in t, uniform in lambda, explicit; substeps split each piece', () => {
  const s = new Schedule(vpLinear());
  const t = makeGrid(s, { kind: 'uniform_t', steps: 4, substeps: 1, tStart: 1, tEnd: 0.2 });
  assert.deepEqual(t.times.map((x) => +x.toFixed(12)), [1, 0.8, 0.6, 0.4, 0.2]);
  assert.deepEqual(t.interval, [0, 1, 2, 3]);
  const l = makeGrid(s, { kind: 'uniform_lambda', steps: 3, substeps: 2, tStart: 1, tEnd: 1e-3 });
  assert.equal(l.times.length, 7);
  assert.deepEqual(l.interval, [0, 0, 1, 1, 2, 2]);
  const dl = l.times.slice(1).map((x, i) => s.lambda(x) - s.lambda(l.times[i]));
  for (const d of dl) assert.ok(Math.abs(d - dl[0]) < 1e-9 * Math.abs(dl[0]));
  assert.equal(l.times[0], 1);
  assert.equal(l.times[6], 1e-3);
  const e = makeGrid(s, { kind: 'explicit', steps: 2, substeps: 2, tStart: 0, tEnd: 0, times: [0.9, 0.5, 0.1] });
  assert.deepEqual(e.times.map((x) => +x.toFixed(12)), [0.9, 0.7, 0.5, 0.3, 0.1]);
  assert.deepEqual(e.interval, [0, 0, 1, 1]);
});
