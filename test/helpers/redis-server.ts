/**
 * A Redis of the test's own: redis-server on a free port, appending every write to an AOF
 * in a temporary folder, so a test can stop it (SIGTERM: Redis flushes its AOF on the way
 * out) and start it again on the same port and folder with its data intact.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes.js';

/** Answers +PONG once the server accepts commands (it answers -LOADING while it reads its AOF). */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

export class RedisServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** What the server wrote, for a failing test's message. */
  readonly output: string[] = [];

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), await mkdtemp(join(tmpdir(), 'diffgrad-redis-')));
    await server.restart();
    return server;
  }

  /** The URL of database `db` on this server. */
  url(db = 0): string {
    return `redis://127.0.0.1:${this.port}/${db}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the server (again) on the same port and folder; resolves once it answers PING. */
  async restart(timeoutMs = 20_000): Promise<void> {
    if (this.running) throw new Error('redis-server is already running');
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', this.dir, '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // Should the test process exit before its `after` ran (a forced exit), the server goes with it.
    const orphanGuard = () => child.kill('SIGKILL');
    process.once('exit', orphanGuard);
    child.once('exit', () => process.off('exit', orphanGuard));
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => this.output.push(...chunk.toString().split('\n').filter(Boolean)));
    const until = Date.now() + timeoutMs;
    while (!(await pong(this.port))) {
      if (!this.running || Date.now() > until) throw new Error(`redis-server on port ${this.port} did not come up:\n${this.output.slice(-20).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGTERM (Redis writes its AOF and exits), or SIGKILL if it has not exited within ms. */
  async stop(ms = 10_000): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), ms);
    await this.exited;
    clearTimeout(timer);
  }

  /** Stops the server and deletes its folder: for `after`, whatever state the test left. */
  async destroy(): Promise<void> {
    await this.stop(2000);
    await rm(this.dir, { recursive: true, force: true });
  }
}
