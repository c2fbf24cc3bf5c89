/**
 * A webhook receiver for tests: node:http on 127.0.0.1, recording every request; each path
 * answers with the statuses it is given in turn (the last one repeats), 200 by default, or
 * never ('hang').
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The requests to one path, in order. */
  at(path: string): Received[];
  answer(path: string, statuses: Array<number | 'hang'>): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const answers = new Map<string, Array<number | 'hang'>>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body });
      const queue = answers.get(path) ?? [200];
      const status = queue.length > 1 ? queue.shift()! : queue[0];
      if (status === 'hang') return;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    at: (path) => received.filter((r) => r.path === path),
    answer: (path, statuses) => void answers.set(path, [...statuses]),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The README's receiver-side check, line for line, in plain node:crypto (not the service's own verifyWebhook). */
export function readmeVerify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signatures = '' } = headers as Record<string, string>;
  if (!(Math.abs(Date.now() / 1000 - Number(ts)) <= 300)) return false; // stale or missing: a replay
  const expected = Buffer.from('v1,' + createHmac('sha256', secret).update(`${id}.${ts}.${body}`).digest('base64'));
  return signatures.split(' ').some((s) => Buffer.byteLength(s) === expected.length && timingSafeEqual(Buffer.from(s), expected));
}
