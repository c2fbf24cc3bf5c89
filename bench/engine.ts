/**
 * The engine benchmark: the shipped unet-32 (32x32x4 latent, ~0.8M parameters), DDIM,
 * batch 4, every gradient method, on wasm and cpu. Each case runs in its own process.
 * Prints a table and writes bench/results/engine-<time>.json. Never a timed test.
 *
 *   npm run bench -- [--backends wasm,cpu] [--steps 10,25,50,100] [--cpu-steps 10]
 *                    [--cases discrete,discrete_ckpt,...] [--cpu-cases ...] [--batch 4]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const ALL_CASES = ['discrete', 'discrete_ckpt', 'discrete_ckpt_theta', 'adjoint', 'adjoint_theta', 'adjoint_backsolve', 'adjoint_deis'];
const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,cpu' },
    steps: { type: 'string', default: '10,25,50,100' },
    'cpu-steps': { type: 'string', default: '10' },
    cases: { type: 'string', default: ALL_CASES.join(',') },
    // The cpu backend's filter gradient is a plain JavaScript loop (~26 s per unet-32 conv at
    // batch 4): theta cases there take hours, so by default cpu runs the others.
    'cpu-cases': { type: 'string', default: ALL_CASES.filter((c) => !c.endsWith('theta')).join(',') },
    batch: { type: 'string', default: '4' },
  },
});

const rows: Record<string, unknown>[] = [];
const fmt = (v: unknown, digits = 2) => (typeof v === 'number' ? v.toFixed(digits) : String(v ?? ''));
console.log('| backend | n | gradient | mode | forward s | gradient s | gradient/forward | NFE fwd+bwd | NFE/s | peak tf MB | peak RSS MB |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const backend of values.backends!.split(',')) {
  const steps = (backend === 'cpu' ? values['cpu-steps']! : values.steps!).split(',').map(Number);
  for (const n of steps) {
    for (const name of (backend === 'cpu' ? values['cpu-cases']! : values.cases!).split(',')) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/engine-case.ts', backend, String(n), name, values.batch!], { encoding: 'utf8', maxBuffer: 1 << 24 });
      const line = run.stdout.trim().split('\n').pop() ?? '';
      if (run.status !== 0 || !line.startsWith('{')) {
        console.log(`| ${backend} | ${n} | ${name} | failed: ${(run.stderr || line).trim().split('\n').pop()} |`);
        continue;
      }
      const r = JSON.parse(line);
      rows.push(r);
      console.log(`| ${backend} | ${n} | ${r.label} | ${r.mode ?? ''} | ${fmt(r.forward_seconds)} | ${fmt(r.gradient_seconds)} | ${fmt(r.ratio)} | ${r.nfe_forward}+${r.nfe_backward} | ${fmt(r.nfe_per_second, 1)} | ${fmt(r.peak_tf_mb, 1)} | ${fmt(r.peak_rss_mb, 0)} |`);
    }
  }
}
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/engine-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), cpus: (await import('node:os')).cpus().length, rows }, null, 2));
console.log(`\nwritten: ${file}`);
