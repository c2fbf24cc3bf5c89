/** The registry of gradient methods. */
import { discrete } from './discrete.js';
import { adjoint, adjointBacksolve } from './adjoint.js';
import { adjointDeis } from './adjoint-deis.js';
import type { GradientMethod } from './types.js';

export const GRADIENT_METHODS: Readonly<Record<string, GradientMethod>> = {
  discrete,
  adjoint,
  adjoint_backsolve: adjointBacksolve,
  adjoint_deis: adjointDeis,
};

export const GRADIENT_METHOD_NAMES = Object.keys(GRADIENT_METHODS);
export * from './types.js';
