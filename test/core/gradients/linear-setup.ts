/** The closed-form linear problem shared by the convergence tests. */
import { tf } from '../../../src/core/tf.js';
import { linearNetwork, toyProblem, randn, type ToyOptions } from '../../helpers/toy.js';
import { linearClosedForm, type ClosedForm } from '../../helpers/closed-form.js';
import type { GradientProblem } from '../../../src/core/gradients/types.js';

export function linearProblem(a: number, o: ToyOptions = {}): { problem: GradientProblem & { dispose(): void }; exact: ClosedForm } {
  const [c, d] = [3, 4];
  const C = randn(3, [c, d], 0.7);
  const b = randn(4, [d], 0.5);
  const network = linearNetwork(a, C, b);
  const problem = toyProblem({ network, batch: 2, steps: 4, ...o });
  const w = randn(5, problem.xT.shape);
  problem.loss = { value: (x0) => tf.sum(tf.mul(x0, w)) };
  const coarse = [problem.grid.times[0], ...problem.grid.times.filter((_, i) => i > 0 && (problem.grid.interval[i] !== problem.grid.interval[i - 1] || i === problem.grid.times.length - 1))];
  const exact = linearClosedForm(
    problem.model.schedule,
    a,
    coarse,
    { B: problem.xT.shape[0], c, d },
    problem.xT.dataSync(),
    problem.conds.map((cd) => cd.z.dataSync()),
    C.dataSync(),
    b.dataSync(),
    w.dataSync(),
  );
  const dispose = problem.dispose;
  problem.dispose = () => {
    dispose();
    tf.dispose([C, b, w, ...network.weights.map((x) => x.variable)]);
  };
  return { problem, exact };
}
