/**
 * Runs one gradient job in-process, with no Redis and no HTTP:
 *   npm run grad -- job.json [--out result.json] [--backend auto|tensorflow|wasm|cpu]
 *                            [--encoding b64|array] [--models DIR] [--quiet]
 * The job is the body POST /v1/jobs takes ("-" reads it from standard input). A bad job
 * exits with status 2 and a message naming the field and the reason.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { CodedError } from './errors.js';
import { selectBackend, type BackendChoice } from './core/backends/select.js';
import { ModelRegistry } from './core/models/registry.js';
import { runJob } from './job/run.js';
import { toJsonResult } from './job/result.js';

const USAGE = 'usage: npm run grad -- JOB.json|- [--out FILE] [--backend auto|tensorflow|wasm|cpu] [--encoding b64|array] [--models DIR] [--quiet]';

async function readJob(path: string): Promise<unknown> {
  const text = path === '-' ? await new Promise<string>((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8').on('data', (c) => (data += c)).on('end', () => resolve(data)).on('error', reject);
  }) : await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CodedError('INVALID_JOB', `${path}: not valid JSON (${(err as Error).message})`);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      backend: { type: 'string' },
      encoding: { type: 'string', default: 'b64' },
      models: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.encoding !== 'b64' && values.encoding !== 'array') {
    console.error(`--encoding: one of b64, array\n${USAGE}`);
    return 2;
  }
  const config = loadConfig({ ...process.env, ...(values.backend ? { BACKEND: values.backend } : {}), ...(values.models ? { MODELS_DIR: values.models } : {}) });
  const job = await readJob(positionals[0]);
  const backend = await selectBackend(config.backend as BackendChoice);
  const registry = new ModelRegistry(config.modelsDir);
  let last = '';
  const output = await runJob(job, { registry, config, backend }, {
    hooks: {
      onProgress: values.quiet ? undefined : (p) => {
        const line = `${p.phase} ${p.step}/${p.steps}`;
        if (line !== last) process.stderr.write(`\r${(last = line)}   `);
        if (p.phase === 'backward' && p.step === p.steps) process.stderr.write('\n');
      },
    },
  });
  registry.dispose();
  const result = toJsonResult(output, values.encoding);
  const text = JSON.stringify(result, null, values.encoding === 'array' ? undefined : 2);
  if (values.out) await writeFile(values.out, text + '\n');
  else process.stdout.write(text + '\n');
  if (!values.quiet) {
    const s = result.stats;
    process.stderr.write(`loss ${result.loss} | ${s.method}${s.gradient_mode ? ` (${s.gradient_mode})` : ''} on ${s.solver}, ${s.solver_steps} steps | nfe ${s.nfe_forward} + ${s.nfe_backward} | ${s.seconds.toFixed(2)} s on ${s.backend}\n`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof CodedError) {
      console.error(`error ${err.code}: ${err.message}`);
      process.exit(err.status < 500 ? 2 : 1);
    }
    console.error(`error: ${(err as Error)?.stack ?? err}`);
    process.exit(1);
  },
);
