/** The time grid of a job, checked against the schedule's domain. */
import { invalid } from '../errors.js';
import type { Schedule } from '../core/schedules/schedule.js';
import type { ParsedJob } from './schema.js';

type SolverOptions = ParsedJob['solver'];

/** The default end time: 1e-3, or the schedule's first table step when that is later. */
export function defaultTEnd(schedule: Schedule): number {
  return Math.max(1e-3, schedule.tMin);
}

export function checkTimes(schedule: Schedule, solver: SolverOptions): { kind: SolverOptions['grid']; tStart: number; tEnd: number; times?: number[] } {
  const domain = `[${schedule.tMin}, ${schedule.tMax}] for schedule ${schedule.type}`;
  const inDomain = (t: number) => t >= schedule.tMin && t <= schedule.tMax;
  if (solver.grid === 'explicit') {
    const times = solver.times;
    if (!times) throw invalid('solver.times', 'required with grid "explicit": n + 1 strictly decreasing times');
    if (solver.t_start !== undefined || solver.t_end !== undefined) {
      throw invalid(solver.t_start !== undefined ? 'solver.t_start' : 'solver.t_end', 'not allowed with grid "explicit": the times give the ends');
    }
    if (times.length !== solver.steps + 1) throw invalid('solver.times', `has ${times.length} times but steps = ${solver.steps} needs ${solver.steps + 1}`);
    times.forEach((t, i) => {
      if (!Number.isFinite(t) || !inDomain(t)) throw invalid(`solver.times[${i}]`, `${t} is outside ${domain}`);
      if (i > 0 && !(t < times[i - 1])) throw invalid(`solver.times[${i}]`, `${t} is not below the time before it (${times[i - 1]}): times must strictly decrease`);
    });
    return { kind: 'explicit', tStart: times[0], tEnd: times[times.length - 1], times };
  }
  if (solver.times !== undefined) throw invalid('solver.times', `only allowed with grid "explicit", not "${solver.grid}"`);
  const tStart = solver.t_start ?? schedule.tMax;
  const tEnd = solver.t_end ?? defaultTEnd(schedule);
  if (!inDomain(tStart)) throw invalid('solver.t_start', `${tStart} is outside ${domain}`);
  if (!inDomain(tEnd)) throw invalid('solver.t_end', `${tEnd} is outside ${domain}`);
  if (!(tEnd < tStart)) throw invalid('solver.t_end', `${tEnd} must be below t_start (${tStart})`);
  return { kind: solver.grid, tStart, tEnd };
}
