/**
 * The service as separate processes, as it is deployed: `node --import tsx src/<entry>.ts`
 * with its own environment, its stdout kept line by line for tests that read its logs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A port nobody listens on right now (the OS picks it; the service then binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ServiceProcess {
  child: ChildProcess;
  /** Every complete line it wrote to stdout so far. */
  stdout: string[];
  stderr: string[];
  /** SIGTERM, then SIGKILL if it has not exited within ms. */
  stop(ms?: number): Promise<void>;
}

function lines(stream: NodeJS.ReadableStream, into: string[]): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    into.push(...parts.filter((l) => l.length > 0));
  });
}

export function spawnService(entry: 'src/server.ts' | 'src/worker.ts', env: Record<string, string | undefined>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  lines(child.stdout!, stdout);
  lines(child.stderr!, stderr);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    stdout,
    stderr,
    async stop(ms = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The JSON log lines of a process (a line that is not JSON throws: every line must be). */
export function jsonLines(lines: string[]): Record<string, unknown>[] {
  return lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON log line: ${line}`);
    }
  });
}
