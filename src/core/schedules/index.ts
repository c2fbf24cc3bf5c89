/** The registry of noise schedules, built from their declarative specs. */
import { Schedule, type LogAlphaCurve } from './schedule.js';
import { vpLinear } from './vp-linear.js';
import { vpCosine } from './vp-cosine.js';
import { discrete } from './discrete.js';
import type { ScheduleSpec } from './spec.js';

export { Schedule } from './schedule.js';

export const SCHEDULES: { [K in ScheduleSpec['type']]: (spec: Extract<ScheduleSpec, { type: K }>) => LogAlphaCurve } = {
  vp_linear: (s) => vpLinear(s.beta_min, s.beta_max),
  vp_cosine: (s) => vpCosine(s.s),
  discrete: (s) => discrete(s.betas, s.beta_start, s.beta_end, s.num_train_timesteps),
};

export function makeSchedule(spec: ScheduleSpec): Schedule {
  const build = SCHEDULES[spec.type] as (s: ScheduleSpec) => LogAlphaCurve;
  return new Schedule(build(spec));
}
