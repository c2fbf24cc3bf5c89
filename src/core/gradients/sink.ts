/**
 * Collects gradients w.r.t. the per-piece conditioning (z_k, w_k, u_k) and the weights,
 * as the backward pass visits steps, and assembles them into the result's tensors.
 */
import { tf, type Tensor } from '../tf.js';
import type { StepConditioning } from '../models/eps.js';
import type { GradientProblem, Gradients, Wrt } from './types.js';

type Slot = { kind: 'z' | 'guidance_scale' | 'uncond'; piece: number } | { kind: 'theta'; index: number };

export class GradientSink {
  private readonly perPiece: Record<'z' | 'guidance_scale' | 'uncond', (Tensor | null)[]>;
  private readonly theta: (Tensor | null)[];

  constructor(
    private readonly problem: GradientProblem,
    private readonly wrt: ReadonlySet<Wrt>,
  ) {
    const n = problem.conds.length;
    this.perPiece = { z: Array(n).fill(null), guidance_scale: Array(n).fill(null), uncond: Array(n).fill(null) };
    this.theta = Array(problem.model.thetaVariables.length).fill(null);
  }

  /** The tensors to differentiate at a step of `piece` (its conditioning, then the weights), and where their gradients go. */
  sources(piece: number): { tensors: Tensor[]; slots: Slot[] } {
    const cond = this.conditioningSources(piece);
    const theta = this.thetaSources();
    return { tensors: [...cond.tensors, ...theta.tensors], slots: [...cond.slots, ...theta.slots] };
  }

  /** The piece's z_k, w_k, u_k that are differentiated. */
  conditioningSources(piece: number): { tensors: Tensor[]; slots: Slot[] } {
    const cond: StepConditioning = this.problem.conds[piece];
    const tensors: Tensor[] = [];
    const slots: Slot[] = [];
    const add = (kind: 'z' | 'guidance_scale' | 'uncond', t: Tensor | undefined) => {
      if (t && this.wrt.has(kind)) {
        tensors.push(t);
        slots.push({ kind, piece });
      }
    };
    add('z', cond.z);
    add('guidance_scale', cond.scale);
    add('uncond', cond.uncond);
    return { tensors, slots };
  }

  /** The weights, when they are differentiated. */
  thetaSources(): { tensors: Tensor[]; slots: Slot[] } {
    if (!this.wrt.has('theta')) return { tensors: [], slots: [] };
    const vars = this.problem.model.thetaVariables;
    return { tensors: [...vars], slots: vars.map((_, index) => ({ kind: 'theta' as const, index })) };
  }

  /** Adds grads[i] * scale into slots[i]; takes ownership of grads. */
  add(slots: Slot[], grads: Tensor[], scale = 1): void {
    slots.forEach((slot, i) => {
      const list = slot.kind === 'theta' ? this.theta : this.perPiece[slot.kind];
      const at = slot.kind === 'theta' ? slot.index : slot.piece;
      const g = scale === 1 ? grads[i] : tf.tidy(() => tf.mul(grads[i], scale));
      if (g !== grads[i]) grads[i].dispose();
      const old = list[at];
      list[at] = old ? tf.tidy(() => tf.add(old, g)) : g;
      if (old) {
        old.dispose();
        g.dispose();
      }
    });
  }

  /** The assembled gradients (owned by the caller); the sink is empty afterwards. */
  finish(): Gradients {
    const out: Gradients = {};
    const conds = this.problem.conds;
    const stack = (kind: 'z' | 'guidance_scale' | 'uncond', like: (c: StepConditioning) => Tensor | undefined) => {
      const list = this.perPiece[kind];
      const t = tf.tidy(() => tf.stack(list.map((g, k) => g ?? tf.zerosLike(like(conds[k])!))));
      list.forEach((g) => g?.dispose());
      list.fill(null);
      return t;
    };
    if (this.wrt.has('z')) out.z = stack('z', (c) => c.z);
    if (this.wrt.has('guidance_scale') && conds[0].scale) out.guidance_scale = stack('guidance_scale', (c) => c.scale);
    if (this.wrt.has('uncond') && conds[0].uncond) out.uncond = stack('uncond', (c) => c.uncond);
    if (this.wrt.has('theta')) {
      const names = this.problem.model.thetaNames;
      const vars = this.problem.model.thetaVariables;
      out.theta = Object.fromEntries(names.map((name, i) => [name, this.theta[i] ?? tf.zerosLike(vars[i])]));
      this.theta.fill(null);
    }
    return out;
  }

  dispose(): void {
    for (const list of [...Object.values(this.perPiece), this.theta]) {
      list.forEach((g) => g?.dispose());
      list.fill(null);
    }
  }
}
