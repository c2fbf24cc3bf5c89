/**
 * One HTTP POST to a checked target: connected only to the addresses the check passed, no
 * redirects followed (a 3xx is just not a 2xx), no connection kept, and the whole attempt
 * (connect, send, response headers) bounded by the timeout. Resolves with the status.
 */
import http from 'node:http';
import https from 'node:https';
import { pinnedLookup, type CheckedTarget } from './target.js';

const USER_AGENT = 'diffgrad-webhooks/1';

export async function postWebhook(target: CheckedTarget, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  const client = target.url.protocol === 'https:' ? https : http;
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise<number>((resolve, reject) => {
    const request = client.request(
      target.url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': USER_AGENT },
        lookup: pinnedLookup(target.addresses),
        agent: false,
        signal,
      },
      (response) => {
        // Only the status counts; the answer's body is drained and dropped.
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', (err) => reject(signal.aborted ? new Error(`no answer within ${timeoutMs} ms`) : err));
    request.end(body);
  });
}
