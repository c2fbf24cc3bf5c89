/** Webhook signatures: what the service signs verifies, and nothing tampered or stale does. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { sign, signedHeaders, verifyWebhook } from '../../src/webhooks/sign.js';

const SECRET = 'a-receiver-secret-0123456789';
const BODY = JSON.stringify({ type: 'job.completed', data: { id: 'j1', status: 'succeeded' } });
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

test('the signature is the Standard Webhooks one: v1, base64 HMAC-SHA256 of id.timestamp.body', () => {
  const expected = createHmac('sha256', SECRET).update(`msg-1.1700000000.${BODY}`).digest('base64');
  assert.equal(sign(SECRET, 'msg-1', 1700000000, BODY), `v1,${expected}`);
  const headers = signedHeaders(SECRET, 'msg-1', BODY, NOW);
  assert.deepEqual(Object.keys(headers).sort(), ['webhook-id', 'webhook-signature', 'webhook-timestamp']);
  assert.equal(headers['webhook-timestamp'], String(NOW / 1000));
});

test('a signed delivery verifies, with any header case and as a Buffer', () => {
  const headers = signedHeaders(SECRET, 'msg-2', BODY, NOW);
  assert.equal(verifyWebhook(SECRET, headers, BODY, 300, NOW), true);
  const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
  assert.equal(verifyWebhook(SECRET, upper, Buffer.from(BODY), 300, NOW + 10_000), true);
});

test('a tampered body, id or signature, or another secret, does not verify', () => {
  const headers = signedHeaders(SECRET, 'msg-3', BODY, NOW);
  assert.equal(verifyWebhook(SECRET, headers, BODY.replace('succeeded', 'failed'), 300, NOW), false);
  assert.equal(verifyWebhook(SECRET, { ...headers, 'webhook-id': 'msg-4' }, BODY, 300, NOW), false);
  assert.equal(verifyWebhook('another-secret-0123456789', headers, BODY, 300, NOW), false);
  const signature = headers['webhook-signature'];
  const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
  assert.equal(verifyWebhook(SECRET, { ...headers, 'webhook-signature': flipped }, BODY, 300, NOW), false);
  assert.equal(verifyWebhook(SECRET, { ...headers, 'webhook-signature': 'v1,' }, BODY, 300, NOW), false);
  assert.equal(verifyWebhook(SECRET, { 'webhook-id': 'msg-3' }, BODY, 300, NOW), false);
});

test('a stale or future timestamp does not verify, even correctly signed (replays)', () => {
  const old = signedHeaders(SECRET, 'msg-5', BODY, NOW - 301_000);
  assert.equal(verifyWebhook(SECRET, old, BODY, 300, NOW), false);
  assert.equal(verifyWebhook(SECRET, old, BODY, 600, NOW), true);
  const future = signedHeaders(SECRET, 'msg-6', BODY, NOW + 301_000);
  assert.equal(verifyWebhook(SECRET, future, BODY, 300, NOW), false);
  assert.equal(verifyWebhook(SECRET, { ...old, 'webhook-timestamp': 'soon' }, BODY, 300, NOW), false);
});

test('one matching signature among several (a secret rotation) is enough', () => {
  const headers = signedHeaders(SECRET, 'msg-7', BODY, NOW);
  const both = `${sign('the-old-secret-0123456789', 'msg-7', NOW / 1000, BODY)} ${headers['webhook-signature']}`;
  assert.equal(verifyWebhook(SECRET, { ...headers, 'webhook-signature': both }, BODY, 300, NOW), true);
});
