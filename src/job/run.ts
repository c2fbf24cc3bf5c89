/**
 * Runs one job in-process: validate -> decode -> solve and differentiate -> encode. The
 * CLI and the workers share it. Every tensor it makes is disposed, whatever happens.
 */
import { tf, type Tensor } from '../core/tf.js';
import type { Config } from '../config.js';
import type { ModelRegistry } from '../core/models/registry.js';
import { EpsModel, type StepConditioning } from '../core/models/eps.js';
import { makeSchedule } from '../core/schedules/index.js';
import { makeGrid } from '../core/solvers/grid.js';
import { SOLVERS } from '../core/solvers/index.js';
import { GRADIENT_METHODS, type GradientOptions, type GradientProblem } from '../core/gradients/index.js';
import { fdProbe, compareWithDiscrete } from '../core/gradients/diagnostics.js';
import { buildLoss } from '../core/losses/index.js';
import type { HostTensor } from '../core/tensors/codec.js';
import { hostFromTf, toTf } from '../core/tensors/tf-bridge.js';
import type { Hooks } from '../core/hooks.js';
import { parseJob, validateJob } from './validate.js';
import type { JobOutput } from './result.js';
import { assertFiniteLoss, assertFiniteTensors } from './finite-output.js';

export interface RunContext {
  registry: ModelRegistry;
  config: Pick<Config, 'limits' | 'memoryBudgetMb'>;
  backend: string;
}

export interface RunOptions {
  hooks?: Hooks;
}

export async function runJob(raw: unknown, ctx: RunContext, opts: RunOptions = {}): Promise<JobOutput> {
  const started = performance.now();
  const parsed = parseJob(raw);
  const loaded = await ctx.registry.get(parsed.model);
  const valid = validateJob(raw, loaded.manifest, ctx.config, parsed);
  const { job, tensors } = valid;
  const owned: Tensor[] = [];
  const own = <T extends Tensor>(t: T): T => (owned.push(t), t);
  const loss = buildLoss(job.loss, 'loss', tensors.xT.shape);
  try {
    const schedule = makeSchedule(valid.schedule);
    const n = job.solver.steps;
    const grid = makeGrid(schedule, { kind: valid.grid.kind, steps: n, substeps: job.solver.substeps, tStart: valid.grid.tStart, tEnd: valid.grid.tEnd, times: valid.grid.times });
    const zs = tf.unstack(own(toTf(tensors.z))).map(own);
    const scales = tensors.scale ? tf.unstack(own(toTf(tensors.scale))).map(own) : null;
    const unconds = tensors.uncond ? tf.unstack(own(toTf(tensors.uncond))).map(own) : null;
    const conds: StepConditioning[] = zs.map((z, k) => (scales && unconds ? { z, scale: scales[k], uncond: unconds[k] } : { z }));
    const problem: GradientProblem = {
      model: new EpsModel(loaded, schedule),
      solver: SOLVERS[job.solver.method],
      grid,
      conds,
      xT: own(toTf(tensors.xT)),
      loss,
    };
    const gradient = job.gradient!;
    const budgetMb = gradient.memory_budget_mb === undefined ? ctx.config.memoryBudgetMb : Math.min(gradient.memory_budget_mb, ctx.config.memoryBudgetMb);
    const options: GradientOptions = {
      wrt: new Set(valid.wrt),
      adjointSubsteps: gradient.adjoint_substeps,
      adjointSolver: valid.adjointSolver,
      deisOrder: gradient.order,
      memoryBudgetBytes: budgetMb * 2 ** 20,
      hooks: opts.hooks,
    };
    const outcome = await GRADIENT_METHODS[valid.method](problem, options);
    for (const t of [outcome.x0, ...Object.values(outcome.grads).flatMap((g) => (g instanceof tf.Tensor ? [g] : Object.values(g ?? {})))]) own(t as Tensor);
    assertFiniteLoss(outcome.loss);
    // The diagnostics evaluate the model again (extra solves, a discrete gradient): counted apart.
    const evaluatedByMethod = problem.model.allEvaluations;

    const diagnostics: JobOutput['diagnostics'] = {};
    const wanted = gradient.diagnostics;
    if (wanted?.fd_probe) diagnostics.fd_probe = await fdProbe(problem, outcome.grads, options.wrt, wanted.fd_step ?? 1e-3, wanted.seed ?? 0);
    if (wanted?.compare_discrete && valid.method !== 'discrete') diagnostics.vs_discrete = await compareWithDiscrete(problem, options, outcome.grads);
    if (outcome.reconstructionError !== undefined) diagnostics.reconstruction_error = outcome.reconstructionError;

    // Named as in the safetensors result: x0, grad.x_T, grad.z, grad.theta/<weight>, ...
    const named: Record<string, HostTensor> = { x0: await hostFromTf(outcome.x0) };
    const g = outcome.grads;
    if (g.x_T && options.wrt.has('x_T')) named['grad.x_T'] = await hostFromTf(g.x_T);
    if (g.z) named['grad.z'] = await hostFromTf(g.z);
    for (const [name, t] of Object.entries(g.theta ?? {})) named[`grad.theta/${name}`] = await hostFromTf(t);
    if (g.guidance_scale) named['grad.guidance_scale'] = await hostFromTf(g.guidance_scale);
    if (g.uncond) named['grad.uncond'] = await hostFromTf(g.uncond);
    assertFiniteTensors(named);
    return {
      loss: outcome.loss,
      tensors: named,
      diagnostics,
      stats: {
        model: job.model,
        method: valid.method,
        solver: job.solver.method,
        steps: n,
        solver_steps: grid.interval.length,
        ...(outcome.mode ? { gradient_mode: outcome.mode } : {}),
        nfe_forward: outcome.nfeForward,
        nfe_backward: outcome.nfeBackward,
        nfe_diagnostics: problem.model.allEvaluations - evaluatedByMethod,
        seconds: (performance.now() - started) / 1000,
        backend: ctx.backend,
      },
    };
  } finally {
    tf.dispose(owned);
    loss.dispose();
  }
}
