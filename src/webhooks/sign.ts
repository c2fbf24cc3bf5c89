/**
 * Webhook signatures, as the Standard Webhooks spec (standardwebhooks.com) has them, so a
 * receiver can verify a delivery in a few lines or with any of that spec's libraries:
 *   webhook-id         the delivery's id, the same on each retry (receivers dedupe on it)
 *   webhook-timestamp  Unix seconds of this attempt (receivers refuse stale ones: replays)
 *   webhook-signature  "v1," + base64(HMAC-SHA256(secret, `${id}.${timestamp}.${body}`))
 * The key is the secret's UTF-8 bytes (the spec's libraries call this the "raw" format).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_VERSION = 'v1';
/** How far a timestamp may be from the receiver's clock, either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type SignedHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** The signature of one attempt: "v1,<base64>". */
export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return `${SIGNATURE_VERSION},${mac}`;
}

/** The headers of an attempt made now. */
export function signedHeaders(secret: string, id: string, body: string, nowMs = Date.now()): SignedHeaders {
  const timestamp = Math.floor(nowMs / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(secret, id, timestamp, body) };
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The receiver's side: true if the body was signed with this secret at a time within
 * `toleranceSeconds` of now. The header may list several space-separated signatures (during
 * a secret rotation); one match is enough. Compared in constant time.
 */
export function verifyWebhook(secret: string, headers: Headers, body: string | Buffer, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, nowMs = Date.now()): boolean {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, id, Number(timestamp), body.toString()));
  return signatures.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
