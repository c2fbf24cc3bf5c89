/**
 * The container health check as Docker runs it: a separate process whose exit code is the
 * verdict. The api mode is pointed at a small HTTP server started here; the worker mode at
 * heartbeat files that are fresh, stale or missing.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtempSync, writeFileSync, utimesSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_TIMEOUT_MS, HEARTBEAT_MAX_AGE_MS } from '../src/healthcheck.js';

const dir = mkdtempSync(join(tmpdir(), 'healthcheck-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Probe {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `healthcheck.ts MODE` in its own process with only the given variables of ours set. */
function probe(args: string[], vars: Record<string, string> = {}): Promise<Probe> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['PORT', 'HOST', 'WORKER_HEARTBEAT_FILE']) delete env[name];
  Object.assign(env, vars);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/healthcheck.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/** An HTTP server on an ephemeral loopback port that answers with `handler`. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number; seen: string[]; sockets: Set<Socket> }> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen, sockets };
}

async function close(s: { server: Server; sockets: Set<Socket> }): Promise<void> {
  for (const socket of s.sockets) socket.destroy();
  await new Promise<void>((resolve) => s.server.close(() => resolve()));
}

/** What starting the probe under tsx costs, measured on a run that fails at once (no I/O). */
let startupMs = 0;
test('usage: no mode, an unknown mode or extra arguments exit 1', async () => {
  for (const args of [[], ['db'], ['api', 'worker']]) {
    const run = await probe(args);
    assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, /usage: node dist\/healthcheck\.js api\|worker/);
    startupMs = Math.max(startupMs, run.ms);
  }
});

test('api: a 200 from /healthz on $PORT is healthy', async () => {
  const s = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
  try {
    const run = await probe(['api'], { PORT: String(s.port) });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(s.seen, ['GET /healthz']);
    assert.match(run.stdout, new RegExp(`api healthy: http://127\\.0\\.0\\.1:${s.port}/healthz answered 200`));
  } finally {
    await close(s);
  }
});

test('api: HOST=0.0.0.0 (as in the images) is probed on loopback', async () => {
  const s = await serve((_req, res) => res.writeHead(204).end());
  try {
    const run = await probe(['api'], { PORT: String(s.port), HOST: '0.0.0.0' });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(s.seen, ['GET /healthz']);
  } finally {
    await close(s);
  }
});

test('api: any answer other than 2xx is unhealthy', async () => {
  for (const status of [503, 500, 404, 301]) {
    const s = await serve((_req, res) => res.writeHead(status, { location: '/elsewhere' }).end());
    try {
      const run = await probe(['api'], { PORT: String(s.port) });
      assert.equal(run.code, 1, `status ${status}: ${run.stdout}`);
      assert.match(run.stderr, new RegExp(`api unhealthy: .*answered ${status}`));
    } finally {
      await close(s);
    }
  }
});

test('api: nothing listening on $PORT is unhealthy, at once', async () => {
  const s = await serve((_req, res) => res.end());
  const port = s.port;
  await close(s);
  const run = await probe(['api'], { PORT: String(port) });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /ECONNREFUSED/);
});

test('api: a server that accepts and never answers is unhealthy within 3 s', async () => {
  const s = await serve(() => {
    /* never answers */
  });
  try {
    const run = await probe(['api'], { PORT: String(s.port) });
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`no answer within ${API_TIMEOUT_MS} ms`));
    assert.deepEqual(s.seen, ['GET /healthz']);
    // The probe's own time, less what starting Node and tsx costs here.
    const own = run.ms - startupMs;
    assert.ok(own < 3000, `the probe took ${own.toFixed(0)} ms beyond start-up`);
    assert.ok(run.ms >= API_TIMEOUT_MS - 100, `gave up after ${run.ms.toFixed(0)} ms, before its timeout`);
  } finally {
    await close(s);
  }
});

test('api: a PORT that is no port is unhealthy', async () => {
  const run = await probe(['api'], { PORT: 'http' });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /PORT must be an integer/);
});

function heartbeat(name: string, ageMs: number): string {
  const file = join(dir, name);
  writeFileSync(file, String(Date.now()));
  const when = new Date(Date.now() - ageMs);
  utimesSync(file, when, when);
  return file;
}

test('worker: a heartbeat file just written is healthy', async () => {
  const run = await probe(['worker'], { WORKER_HEARTBEAT_FILE: heartbeat('fresh', 0) });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /worker healthy: heartbeat .*fresh is \d+\.\d s old/);
});

test(`worker: the limit is ${HEARTBEAT_MAX_AGE_MS / 1000} s: 20 s old is healthy, 40 s or 10 min old is not`, async () => {
  const young = await probe(['worker'], { WORKER_HEARTBEAT_FILE: heartbeat('young', 20_000) });
  assert.equal(young.code, 0, young.stderr);
  for (const [name, age] of [['stale', 40_000], ['dead', 600_000]] as const) {
    const run = await probe(['worker'], { WORKER_HEARTBEAT_FILE: heartbeat(name, age) });
    assert.equal(run.code, 1, `${name}: ${run.stdout}`);
    assert.match(run.stderr, /worker unhealthy: heartbeat .* s old \(limit 30 s\)/);
  }
});

test('worker: a missing heartbeat file is unhealthy', async () => {
  const run = await probe(['worker'], { WORKER_HEARTBEAT_FILE: join(dir, 'never-written') });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /ENOENT/);
});

test('worker: a directory where the heartbeat file should be is unhealthy', async () => {
  const path = join(dir, 'a-directory');
  mkdirSync(path);
  const run = await probe(['worker'], { WORKER_HEARTBEAT_FILE: path });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /is not a file/);
});

test('worker: no WORKER_HEARTBEAT_FILE is unhealthy, with the reason', async () => {
  const run = await probe(['worker']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /WORKER_HEARTBEAT_FILE is not set/);
});
