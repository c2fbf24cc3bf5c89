/** Every schedule against exact values and the identities the solvers rely on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSchedule } from '../../../src/core/schedules/index.js';
import { betaTable } from '../../../src/core/schedules/discrete.js';
import type { ScheduleSpec } from '../../../src/core/schedules/spec.js';

const SPECS: ScheduleSpec[] = [
  { type: 'vp_linear', beta_min: 0.1, beta_max: 20 },
  { type: 'vp_cosine', s: 0.008 },
  { type: 'discrete', betas: 'linear', beta_start: 1e-4, beta_end: 0.02, num_train_timesteps: 1000 },
  { type: 'discrete', betas: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, num_train_timesteps: 1000 },
];

const near = (a: number, b: number, rel: number, what: string) =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-12), `${what}: ${a} vs ${b}`);

test('vp_linear: alpha from the closed form', () => {
  const s = makeSchedule(SPECS[0]);
  for (const t of [1e-3, 0.1, 0.5, 1]) near(s.alpha(t), Math.exp(-(19.9 * t * t) / 4 - (0.1 * t) / 2), 1e-14, `alpha(${t})`);
  near(s.f(0.5), -(0.1 + 0.5 * 19.9) / 2, 1e-14, 'f = -beta(t)/2');
});

test('vp_cosine: alpha^2 = f(t)/f(0) with f = cos^2(pi/2 (t+s)/(1+s))', () => {
  const s = makeSchedule(SPECS[1]);
  const f = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  for (const t of [0, 0.2, 0.7, 0.99]) near(s.alpha(t) ** 2, f(t) / f(0), 1e-12, `alpha^2(${t})`);
  assert.equal(s.tMax, 0.9946);
});

test('discrete: the tables and log alpha at the table steps', () => {
  const lin = betaTable('linear', 1e-4, 0.02, 1000);
  near(lin[0], 1e-4, 1e-15, 'linear first');
  near(lin[999], 0.02, 1e-15, 'linear last');
  const scaled = betaTable('scaled_linear', 0.00085, 0.012, 1000);
  near(scaled[500], (Math.sqrt(0.00085) + (500 / 999) * (Math.sqrt(0.012) - Math.sqrt(0.00085))) ** 2, 1e-14, 'scaled_linear middle');
  const s = makeSchedule(SPECS[3]);
  let alphaBar = 1;
  for (let i = 0; i < 1000; i++) {
    alphaBar *= 1 - scaled[i];
    if (i % 97 === 0 || i === 999) near(s.alpha((i + 1) / 1000) ** 2, alphaBar, 1e-12, `alpha_bar[${i}]`);
  }
  assert.equal(s.tMin, 1e-3);
});

for (const spec of SPECS) {
  test(`${spec.type}${'betas' in spec ? ` ${spec.betas}` : ''}: alpha^2 + sigma^2 = 1, lambda inverts, g^2 = -2f, g^2/(2 sigma) = -sigma dlambda/dt`, () => {
    const s = makeSchedule(spec);
    const times = [s.tMin || 1e-3, 0.013, 0.25, 0.5, 0.8, s.tMax * 0.999].map((t) => Math.max(t, s.tMin));
    for (const t of times) {
      near(s.alpha(t) ** 2 + s.sigma(t) ** 2, 1, 1e-14, `alpha^2 + sigma^2 at ${t}`);
      near(s.inverseLambda(s.lambda(t)), t, 1e-9, `inverse lambda at ${t}`);
      near(s.lambda(t), Math.log(s.alpha(t) / s.sigma(t)), 1e-12, `lambda at ${t}`);
      near(s.g2(t), -2 * s.f(t), 1e-15, `g^2 at ${t}`);
      // Derivatives by central differences inside a linear piece of the discrete table.
      const h = spec.type === 'discrete' ? 1e-7 : 1e-6;
      const at = spec.type === 'discrete' ? Math.floor(t * 1000) / 1000 + 0.0005 : t;
      near(s.f(at), (s.logAlpha(at + h) - s.logAlpha(at - h)) / (2 * h), 1e-6, `f at ${at}`);
      const dLambda = (s.lambda(at + h) - s.lambda(at - h)) / (2 * h);
      near(s.dLambda(at), dLambda, 1e-5, `dlambda/dt at ${at}`);
      near(s.g2(at) / (2 * s.sigma(at)), -s.sigma(at) * dLambda, 1e-5, `g^2/(2 sigma) at ${at}`);
      const { a, b } = s.driftCoefficients(at);
      near(a, s.f(at), 1e-15, 'drift a = f');
      near(b, s.g2(at) / (2 * s.sigma(at)), 1e-12, 'drift b = g^2/(2 sigma)');
    }
    // lambda strictly decreases
    for (let i = 1; i < times.length; i++) assert.ok(s.lambda(times[i]) < s.lambda(times[i - 1]));
  });
}
