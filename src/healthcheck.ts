/**
 * Container health checks, for the images' HEALTHCHECK and docker-compose.yml:
 *
 *   node dist/healthcheck.js api     GET http://127.0.0.1:$PORT/healthz answers 2xx in time
 *   node dist/healthcheck.js worker  $WORKER_HEARTBEAT_FILE was modified less than 30 s ago
 *
 * Exit 0 when healthy, 1 otherwise (Docker reserves 2), with one line saying why; Docker keeps
 * that line in `docker inspect`. The whole run stays under 3 s.
 *
 * This file reads process.env itself instead of calling loadConfig(): config.ts imports the
 * backend list and with it TensorFlow.js, a second or more of start-up that a probe run every
 * few seconds should not pay. It imports nothing but Node.
 */
import { request } from 'node:http';
import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

/** The worker touches its heartbeat file every 5 s; six missed beats and it is unhealthy. */
export const HEARTBEAT_MAX_AGE_MS = 30_000;
/** How long the API may take to answer; the process exits well inside 3 s. */
export const API_TIMEOUT_MS = 2_000;
/** Nothing may keep the probe alive past this, whatever hangs. */
const HARD_DEADLINE_MS = 2_800;

export interface Verdict {
  ok: boolean;
  reason: string;
}

type Env = Record<string, string | undefined>;

/**
 * The address to probe. The server listens on HOST; a wildcard (0.0.0.0, ::, unset) is reached
 * on loopback, a specific address only on itself.
 */
function probeHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::' || host === '[::]') return '127.0.0.1';
  return host.replace(/^\[(.*)\]$/, '$1');
}

export function checkApi(env: Env, timeoutMs = API_TIMEOUT_MS): Promise<Verdict> {
  const port = Number(env.PORT || 8080);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return Promise.resolve({ ok: false, reason: `PORT must be an integer from 1 to 65535, got "${env.PORT}"` });
  }
  const host = probeHost(env.HOST);
  const where = `http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (verdict: Verdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(verdict);
    };
    // agent: false, so no keep-alive socket outlives the answer.
    const req = request({ host, port, path: '/healthz', method: 'GET', agent: false }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      settle(status >= 200 && status < 300 ? { ok: true, reason: `${where} answered ${status}` } : { ok: false, reason: `${where} answered ${status}` });
    });
    req.on('error', (err: NodeJS.ErrnoException) => settle({ ok: false, reason: `${where}: ${err.code ?? err.message}` }));
    const timer = setTimeout(() => settle({ ok: false, reason: `${where}: no answer within ${timeoutMs} ms` }), timeoutMs);
    req.end();
  });
}

export async function checkWorker(env: Env, now = Date.now()): Promise<Verdict> {
  const file = env.WORKER_HEARTBEAT_FILE;
  if (!file) return { ok: false, reason: 'WORKER_HEARTBEAT_FILE is not set, so the worker writes no heartbeat to check' };
  let modified: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return { ok: false, reason: `heartbeat ${file} is not a file` };
    modified = info.mtimeMs;
  } catch (err) {
    return { ok: false, reason: `heartbeat ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const age = now - modified;
  const seconds = (age / 1000).toFixed(1);
  return age < HEARTBEAT_MAX_AGE_MS
    ? { ok: true, reason: `heartbeat ${file} is ${seconds} s old` }
    : { ok: false, reason: `heartbeat ${file} is ${seconds} s old (limit ${HEARTBEAT_MAX_AGE_MS / 1000} s): the worker's event loop is stuck or it died` };
}

export async function main(argv: string[], env: Env = process.env): Promise<number> {
  const mode = argv[0];
  if (argv.length !== 1 || (mode !== 'api' && mode !== 'worker')) {
    console.error('usage: node dist/healthcheck.js api|worker');
    return 1;
  }
  const verdict = mode === 'api' ? await checkApi(env) : await checkWorker(env);
  if (verdict.ok) console.log(`${mode} healthy: ${verdict.reason}`);
  else console.error(`${mode} unhealthy: ${verdict.reason}`);
  return verdict.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  setTimeout(() => {
    console.error(`unhealthy: no verdict within ${HARD_DEADLINE_MS} ms`);
    process.exit(1);
  }, HARD_DEADLINE_MS).unref();
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`unhealthy: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
