/**
 * docker-compose.yml, checked without a Docker engine: it validates against the Compose
 * Specification's JSON schema (from an installed package, offline), and it keeps the promises
 * the deployment depends on: Redis that neither loses nor evicts BullMQ's keys, health checks
 * that run files the build produces, workers that get time to finish on SIGTERM, a GPU worker
 * that only starts when asked for, and an environment the service's own config loader accepts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import {
  ROOT,
  read,
  exists,
  composeSchema,
  composeValidator,
  loadCompose,
  interpolate,
  environment,
  argv,
  durationMs,
  nodeCommandProblems,
  parseDockerfile,
  envOf,
  type ComposeFile,
  type Service,
} from './lib.js';

const text = read('docker-compose.yml');
const { raw, doc, unset } = loadCompose(text);
const services = doc.services;
const service = (name: string): Service => {
  const s = services[name];
  assert.ok(s, `docker-compose.yml has no service "${name}"`);
  return s;
};
const validate = composeValidator();

/** The environment a service's container runs with: its image's ENV, then the file's. */
function containerEnv(name: string): Record<string, string> {
  const s = service(name);
  const build = typeof s.build === 'string' ? { context: s.build } : s.build;
  const dockerfile = join(build?.context ?? '.', build?.dockerfile ?? 'Dockerfile');
  const image = envOf(parseDockerfile(read(dockerfile)).stages.at(-1)!);
  return { ...image, ...environment(s) };
}

const APP_SERVICES = ['api', 'worker', 'worker-gpu'];

test('the Compose schema comes from an installed package and rejects what Compose rejects', () => {
  const { schema, version } = composeSchema();
  assert.equal(schema.title, 'Compose Specification', `dclint ${version}`);
  const broken = structuredClone(doc) as ComposeFile;
  (broken.services.worker as Record<string, unknown>).healtcheck = broken.services.worker!.healthcheck;
  (broken.services.api as Record<string, unknown>).stop_grace_period = 5;
  broken.services.api!.depends_on = { redis: { condition: 'service_ready' } };
  const errors = validate(broken).map((e) => `${e.instancePath} ${e.message}`);
  assert.ok(errors.includes('/services/worker must NOT have additional properties'), errors.join('\n'));
  assert.ok(errors.includes('/services/api/stop_grace_period must be string'), errors.join('\n'));
  assert.ok(errors.includes('/services/api/depends_on/redis/condition must be equal to one of the allowed values'), errors.join('\n'));
});

test('docker-compose.yml validates against the Compose Specification', () => {
  assert.deepEqual(validate(doc).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`), []);
  // Also as written, before interpolation: a ${...} must not stand where Compose needs a number.
  assert.deepEqual(validate(raw).map((e) => `${e.instancePath} ${e.message}`), []);
});

test('it needs no .env: every ${VARIABLE} has a default', () => {
  assert.deepEqual(unset, []);
  assert.equal(interpolate('${A:-x}-${B-y}-$$C'), 'x-y-$C');
  const missing: string[] = [];
  interpolate('${REQUIRED}', {}, missing);
  assert.deepEqual(missing, ['REQUIRED']);
});

test('redis: append-only, fsync every second, noeviction, data on a named volume, health-checked', () => {
  const redis = service('redis');
  assert.match(redis.image ?? '', /^redis:7(\.\d+)*-alpine$/);
  const command = argv(redis.command);
  assert.ok(command, 'redis command in exec form');
  const flag = (name: string) => {
    const at = command.indexOf(`--${name}`);
    return at < 0 ? undefined : command[at + 1];
  };
  assert.equal(command[0], 'redis-server');
  assert.equal(flag('appendonly'), 'yes');
  assert.equal(flag('appendfsync'), 'everysec');
  assert.equal(flag('maxmemory-policy'), 'noeviction');
  assert.match(flag('maxmemory') ?? '', /^\d+(kb|mb|gb)$/i, 'a memory limit, so noeviction means "refuse writes" and not "grow until killed"');
  const data = (redis.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':') : [v.source, v.target]));
  const volume = data.find(([, target]) => target === '/data');
  assert.ok(volume, 'a volume on /data');
  assert.ok(doc.volumes && volume[0]! in doc.volumes, `"${volume[0]}" is a named volume declared under volumes:`);
  const health = redis.healthcheck?.test;
  assert.ok(Array.isArray(health) && health.join(' ').includes('redis-cli ping'), JSON.stringify(health));
});

test('every app service waits for a healthy Redis, at the address it is given', () => {
  assert.ok(service('redis').healthcheck);
  for (const name of APP_SERVICES) {
    const s = service(name);
    assert.deepEqual(s.depends_on, { redis: { condition: 'service_healthy' } }, name);
    const url = new URL(environment(s).REDIS_URL ?? '');
    assert.equal(url.protocol, 'redis:', name);
    assert.ok(url.hostname in services, `${name}: REDIS_URL host "${url.hostname}" is a service of this file`);
    assert.equal(url.port, '6379', name);
  }
});

test('api: the API process on 8080, published, health-checked on /healthz', () => {
  const api = service('api');
  assert.deepEqual(argv(api.command), ['node', 'dist/server.js']);
  assert.deepEqual(api.ports, ['8080:8080']);
  const env = containerEnv('api');
  assert.equal(env.HOST, '0.0.0.0', 'listens beyond the container loopback');
  assert.equal(env.PORT ?? '8080', '8080', 'the published container port is the one it listens on');
  assert.deepEqual(argv(api.healthcheck?.test), ['node', 'dist/healthcheck.js', 'api']);
  assert.equal(api.build, '.');
  assert.equal(api.profiles, undefined, 'starts with a plain docker compose up');
});

test('worker: CPU (wasm) workers from the API\'s image, two replicas', () => {
  const worker = service('worker');
  assert.deepEqual(argv(worker.command), ['node', 'dist/worker.js']);
  assert.equal(worker.build, service('api').build, 'built from the API\'s Dockerfile');
  // Under a tag of its own: two services building the same tag at once can fail.
  const tags = Object.values(services).filter((s) => s.build).map((s) => s.image);
  assert.equal(new Set(tags).size, tags.length, `every built image has its own tag: ${tags.join(', ')}`);
  const env = containerEnv('worker');
  assert.equal(env.BACKEND, 'wasm');
  assert.match(env.WORKER_CONCURRENCY ?? '', /^[1-9]\d*$/);
  assert.equal(worker.deploy?.replicas, 2);
  assert.equal(worker.ports, undefined, 'replicas cannot share a published port');
  assert.equal(worker.container_name, undefined, 'replicas cannot share a container name');
  assert.equal(worker.profiles, undefined, 'starts with a plain docker compose up');
});

test('worker-gpu: only with --profile gpu; one NVIDIA GPU reserved; the tensorflow backend', () => {
  const gpu = service('worker-gpu');
  assert.deepEqual(gpu.profiles, ['gpu']);
  assert.deepEqual(argv(gpu.command), ['node', 'dist/worker.js']);
  assert.deepEqual(gpu.build, { context: '.', dockerfile: 'docker/Dockerfile.gpu' });
  assert.deepEqual(gpu.deploy?.resources?.reservations?.devices, [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
  assert.equal(containerEnv('worker-gpu').BACKEND, 'tensorflow');
  assert.notEqual(gpu.image, service('api').image, 'its own image, not the CPU one');
  // Everything a plain `docker compose up` starts needs no GPU.
  for (const [name, s] of Object.entries(services)) {
    if (!s.profiles?.includes('gpu')) assert.equal(s.deploy?.resources?.reservations?.devices, undefined, name);
  }
});

test('workers: the heartbeat the health check reads is the one the worker writes', () => {
  for (const name of ['worker', 'worker-gpu']) {
    const s = service(name);
    assert.deepEqual(argv(s.healthcheck?.test), ['node', 'dist/healthcheck.js', 'worker'], name);
    assert.match(containerEnv(name).WORKER_HEARTBEAT_FILE ?? '', /^\/tmp\//, `${name}: a heartbeat file where the non-root user can write`);
    // The check fails at 30 s; the worker beats every 5 s: it must get a few checks to recover.
    assert.ok(durationMs(s.healthcheck!.interval!) <= 30_000, name);
    assert.ok(durationMs(s.healthcheck!.timeout!) >= 3_000, `${name}: the probe may take up to 3 s`);
  }
});

test('workers: stop_grace_period outlasts the worker\'s own grace, so SIGKILL never comes first', () => {
  for (const name of ['worker', 'worker-gpu']) {
    const s = service(name);
    const grace = Number(containerEnv(name).STOP_GRACE_MS ?? 30_000);
    assert.ok(grace >= 30_000, `${name}: STOP_GRACE_MS ${grace} ms leaves a job step time to finish`);
    assert.ok(s.stop_grace_period, `${name}: stop_grace_period (Docker's default is 10 s)`);
    const stop = durationMs(s.stop_grace_period);
    assert.ok(stop >= grace + 10_000, `${name}: stop_grace_period ${s.stop_grace_period} < STOP_GRACE_MS ${grace} ms + 10 s to hand jobs back`);
  }
});

test('every command and health check runs a file that npm run build produces', () => {
  const problems: string[] = [];
  for (const [name, s] of Object.entries(services)) {
    if (name === 'redis') continue;
    problems.push(...nodeCommandProblems(argv(s.command), `${name} command`));
    problems.push(...nodeCommandProblems(argv(s.healthcheck?.test), `${name} healthcheck`));
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(nodeCommandProblems(['node', 'dist/nope.js'], 'x'), ['x: dist/nope.js would be compiled from src/nope.ts, which does not exist']);
  assert.deepEqual(nodeCommandProblems(['node', 'src/server.ts'], 'x'), ['x: src/server.ts is not a .js file under dist/ (tsconfig.build.json\'s outDir)']);
});

test('every build context and Dockerfile exists', () => {
  for (const [name, s] of Object.entries(services)) {
    if (!s.build) continue;
    const build = typeof s.build === 'string' ? { context: s.build } : s.build;
    assert.ok(exists(build.context ?? '.'), `${name}: context ${build.context}`);
    assert.ok(exists(join(build.context ?? '.', build.dockerfile ?? 'Dockerfile')), `${name}: ${build.dockerfile}`);
  }
});

test('every variable given to an app service is one the service reads, with a value it accepts', () => {
  const sources = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [readFileSync(join(ROOT, dir, e.name), 'utf8')] : [],
    );
  const code = sources('src').join('\n');
  for (const name of APP_SERVICES) {
    const env = containerEnv(name);
    for (const variable of Object.keys(env)) {
      // NODE_ENV is Node's and the libraries'; TF_* are libtensorflow's (GPU image).
      if (variable === 'NODE_ENV' || variable.startsWith('TF_')) continue;
      assert.match(code, new RegExp(`\\b${variable}\\b`), `${name}: ${variable} is read nowhere in src/`);
    }
    // The service's own loader, with the values a fresh checkout gets.
    const config = loadConfig(env);
    assert.equal(config.redisUrl, 'redis://redis:6379', name);
    assert.equal(config.modelsDir, '/app/models', name);
    for (const model of ['linear', 'unet-tiny', 'unet-32']) assert.ok(exists(join('models', model, 'manifest.json')), model);
    if (name !== 'api') {
      assert.equal(config.backend, name === 'worker' ? 'wasm' : 'tensorflow');
      assert.ok(config.worker.heartbeatFile);
    }
  }
});
