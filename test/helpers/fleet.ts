/**
 * The service as deployed, for fault tests: an API process and worker processes on one
 * Redis, each started with `node --import tsx src/<entry>.ts` and waited for until it is
 * ready. The fleet remembers every process it started, so `after` can end them all however
 * the test went, and a failing assertion can say what each of them wrote to stderr.
 */
import { Redis } from 'ioredis';
import { keys } from '../../src/queue/names.js';
import { freePort, spawnService, type ServiceProcess } from './processes.js';
import { poll, stackEnv } from './stack.js';

export interface Member {
  role: 'api' | 'worker';
  process: ServiceProcess;
}

const alive = (p: ServiceProcess) => p.child.exitCode === null && p.child.signalCode === null;

export class Fleet {
  readonly members: Member[] = [];
  private readonly redis: Redis;

  private constructor(
    readonly redisUrl: string,
    readonly apiPort: number,
    private readonly env: Record<string, string | undefined>,
  ) {
    // Only to see worker heartbeats; it must not hold a test up while Redis is away.
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    this.redis.on('error', () => undefined);
  }

  /** The settings of scale.test.ts (short locks, so a dead worker's job moves on quickly) on `redisUrl`. */
  static async create(redisUrl: string, extra: Record<string, string> = {}): Promise<Fleet> {
    const env = {
      ...process.env,
      ...stackEnv(0, { REDIS_URL: redisUrl, LOG_LEVEL: 'warn', STOP_GRACE_MS: '5000', ...extra }),
      // Open mode on loopback: the fault tests are not about keys, nor about rate limits.
      API_KEYS: '',
      API_KEYS_FILE: '',
      HOST: '127.0.0.1',
      RATE_LIMIT_MAX: '1000000',
    };
    return new Fleet(redisUrl, await freePort(), env);
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  get workers(): ServiceProcess[] {
    return this.members.filter((m) => m.role === 'worker' && alive(m.process)).map((m) => m.process);
  }

  /** The API on the fleet's port (the same one across restarts); resolves once /readyz says Redis answers. */
  async startApi(ms = 30_000): Promise<ServiceProcess> {
    const api = this.spawn('api', 'src/server.ts', { PORT: String(this.apiPort) });
    const readiness = () => fetch(`${this.apiUrl}/readyz`).then((r) => r.json() as Promise<{ queue?: boolean }>, () => null);
    const ready = await poll(readiness, (r) => r?.queue === true || !alive(api), ms);
    // Alive too: an API that exits at once (its port still taken) must not pass for the one that holds it.
    if (ready?.queue !== true || !alive(api)) throw new Error(`the API did not become ready\n${this.diagnostics()}`);
    return api;
  }

  /** A worker; resolves once its own heartbeat (its id carries its pid) is in Redis. */
  async startWorker(extra: Record<string, string> = {}, ms = 30_000): Promise<ServiceProcess> {
    const worker = this.spawn('worker', 'src/worker.ts', extra);
    const beating = () => this.heartbeats().then((ids) => ids.some((id) => id.includes(`-${worker.child.pid}-`)));
    if (!(await poll(beating, (yes) => yes || !alive(worker), ms)) || !alive(worker)) throw new Error(`worker ${worker.child.pid} did not start\n${this.diagnostics()}`);
    return worker;
  }

  /** The worker process whose BullMQ worker name (a job's processedBy) is `name`. */
  workerNamed(name: string): ServiceProcess | undefined {
    return this.members.find((m) => m.role === 'worker' && name.includes(`-${m.process.child.pid}-`))?.process;
  }

  /** Every process: how it ended (if it did) and the end of its stderr, for assertion messages. */
  diagnostics(): string {
    return this.members
      .map(({ role, process: p }) => {
        const state = alive(p) ? 'running' : `exited code=${p.child.exitCode} signal=${p.child.signalCode}`;
        return `--- ${role} pid ${p.child.pid} (${state})\n${[...p.stderr, ...p.stdout].slice(-30).join('\n')}`;
      })
      .join('\n');
  }

  /** Ends every process still running (SIGTERM, then SIGKILL after ms). */
  async stopAll(ms = 3000): Promise<void> {
    await Promise.all(this.members.map((m) => m.process.stop(ms)));
    this.redis.disconnect();
  }

  private spawn(role: Member['role'], entry: 'src/server.ts' | 'src/worker.ts', extra: Record<string, string>): ServiceProcess {
    const p = spawnService(entry, { ...this.env, ...extra });
    this.members.push({ role, process: p });
    // Should the test process exit before its `after` ran (a forced exit), no service outlives it.
    const orphanGuard = () => p.child.kill('SIGKILL');
    process.once('exit', orphanGuard);
    p.child.once('exit', () => process.off('exit', orphanGuard));
    return p;
  }

  private async heartbeats(): Promise<string[]> {
    if (this.redis.status === 'wait') await this.redis.connect().catch(() => undefined);
    return this.redis.zrange(keys.workers, '0', '-1').catch(() => []);
  }
}
