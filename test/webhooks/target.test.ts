/** Where webhooks may go: every refused address class, IPv4-mapped IPv6, the allow-list, secrets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodedError } from '../../src/errors.js';
import { addressClass, checkWebhookTarget, isUnresolvedHost, pinnedLookup, type ResolvedAddress, type Resolver } from '../../src/webhooks/target.js';
import { prepareWebhook, resolveWebhookSecret } from '../../src/webhooks/prepare.js';
import { parseJob } from '../../src/job/validate.js';
import { loadConfig } from '../../src/config.js';
import { tinyJob } from '../helpers/stack.js';

const family = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);
/** A DNS of our own: names to addresses, nothing else resolves. */
const dns = (table: Record<string, string[]>): Resolver => async (host) => {
  const found = table[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found.map((address): ResolvedAddress => ({ address, family: family(address) }));
};

async function refusal(url: string, allow: string[] = [], resolve?: Resolver): Promise<CodedError> {
  const err = await checkWebhookTarget(url, allow, resolve).then(
    () => assert.fail(`${url} was accepted`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof CodedError, String(err));
  assert.equal(err.status, 422);
  assert.equal(err.field, 'webhook.url');
  return err;
}

const REFUSED: Array<[string, RegExp]> = [
  ['127.0.0.1', /loopback/],
  ['127.255.255.254', /loopback/],
  ['::1', /loopback/],
  ['0.0.0.0', /unspecified/],
  ['::', /unspecified/],
  ['169.254.169.254', /link-local/],
  ['fe80::1', /link-local/],
  ['10.1.2.3', /private/],
  ['172.16.0.1', /private/],
  ['172.31.255.255', /private/],
  ['192.168.1.1', /private/],
  ['100.64.0.1', /carrier-grade NAT/],
  ['100.127.255.255', /carrier-grade NAT/],
  ['fc00::1', /unique-local/],
  ['fd12:3456::1', /unique-local/],
  ['224.0.0.1', /multicast/],
  ['ff02::1', /multicast/],
  ['240.0.0.1', /reserved/],
  ['255.255.255.255', /reserved or broadcast/],
  ['::ffff:127.0.0.1', /loopback/],
  ['::ffff:7f00:1', /loopback/],
  ['::ffff:169.254.169.254', /link-local/],
  ['::ffff:10.0.0.1', /private/],
  ['::ffff:192.168.0.1', /private/],
];
const PUBLIC = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];

test('every refused class is refused, as a literal in the URL and as what a name resolves to', async () => {
  for (const [address, kind] of REFUSED) {
    assert.match(addressClass(address) ?? 'public', kind, address);
    const literal = address.includes(':') ? `[${address}]` : address;
    const err = await refusal(`http://${literal}:8080/hook`);
    assert.equal(err.code, 'WEBHOOK_TARGET_REFUSED');
    assert.match(err.message, kind, address);
    assert.match((await refusal('https://hooks.test/x', [], dns({ 'hooks.test': [address] }))).message, /resolves to it/);
  }
});

test('public addresses pass, and the check hands back exactly the addresses it passed', async () => {
  for (const address of PUBLIC) assert.equal(addressClass(address), null, address);
  const target = await checkWebhookTarget('https://hooks.test/x', [], dns({ 'hooks.test': ['8.8.8.8', '2606:4700:4700::1111'] }));
  assert.deepEqual(target.addresses.map((a) => a.address), ['8.8.8.8', '2606:4700:4700::1111']);
  assert.equal(target.url.hostname, 'hooks.test');
});

test('one private address among public ones is enough to refuse (the connection could pick it)', async () => {
  await refusal('https://mixed.test/x', [], dns({ 'mixed.test': ['8.8.8.8', '10.0.0.1'] }));
});

test('the allow-list admits an address, a CIDR range or a host name, and nothing beside them', async () => {
  await checkWebhookTarget('http://127.0.0.1:9/x', ['127.0.0.1']);
  await checkWebhookTarget('http://[::ffff:127.0.0.1]:9/x', ['127.0.0.1']);
  await refusal('http://127.0.0.2:9/x', ['127.0.0.1']);
  await checkWebhookTarget('http://10.9.8.7/x', ['10.0.0.0/8']);
  await checkWebhookTarget('http://[fd00::5]/x', ['fd00::/8']);
  await refusal('http://192.168.0.1/x', ['10.0.0.0/8']);
  const internal = dns({ 'hooks.internal': ['10.0.0.5'], 'other.internal': ['10.0.0.5'] });
  await checkWebhookTarget('http://HOOKS.internal/x', ['hooks.internal'], internal);
  await refusal('http://other.internal/x', ['hooks.internal'], internal);
});

test('localhost is refused unless allowed (by name or by its addresses)', async () => {
  assert.match((await refusal('http://localhost:8080/x')).message, /loopback/);
  await checkWebhookTarget('http://localhost:8080/x', ['localhost']);
  await checkWebhookTarget('http://localhost:8080/x', ['127.0.0.0/8', '::1']);
});

test('a host that does not resolve is refused, and marked as such (a delivery retries it)', async () => {
  const err = await refusal('https://nowhere.test/x', [], dns({}));
  assert.match(err.message, /does not resolve/);
  assert.equal(isUnresolvedHost(err), true);
  assert.equal(isUnresolvedHost(await refusal('http://10.0.0.1/x')), false);
});

test('URLs that are not http(s), carry credentials or are not URLs are refused as invalid', async () => {
  for (const [url, reason] of [['ftp://example.com/x', /http or https/], ['https://user:pw@example.com/x', /user name or password/], ['not a url', /absolute URL/]] as const) {
    const err = await refusal(url);
    assert.equal(err.code, 'INVALID_JOB');
    assert.match(err.message, reason);
  }
});

test('the pinned lookup answers only with the checked addresses, by family', async () => {
  const lookup = pinnedLookup([{ address: '8.8.8.8', family: 4 }, { address: '2606:4700:4700::1111', family: 6 }]);
  const ask = (options: object) => new Promise<unknown[]>((resolve) => lookup('anything.test', options, (...args) => resolve(args)));
  assert.deepEqual(await ask({ all: true }), [null, [{ address: '8.8.8.8', family: 4 }, { address: '2606:4700:4700::1111', family: 6 }]]);
  assert.deepEqual(await ask({ family: 6 }), [null, '2606:4700:4700::1111', 6]);
  assert.deepEqual(await ask({ family: 4, all: true }), [null, [{ address: '8.8.8.8', family: 4 }]]);
  const [err] = await new Promise<unknown[]>((resolve) => pinnedLookup([{ address: '8.8.8.8', family: 4 }])('x', { family: 6 }, (...args) => resolve(args)));
  assert.match(String(err), /no checked IPv6 address/);
});

test('the secret: the job\'s, else the tenant\'s, else the service\'s, else 422 WEBHOOK_SECRET_MISSING', async () => {
  assert.equal(resolveWebhookSecret(['job-secret-0123456789', 'tenant', 'service']), 'job-secret-0123456789');
  assert.equal(resolveWebhookSecret([undefined, 'tenant-secret', 'service']), 'tenant-secret');
  assert.equal(resolveWebhookSecret([undefined, undefined, 'service-secret']), 'service-secret');
  assert.throws(() => resolveWebhookSecret([undefined, '', null]), (err: CodedError) => err.code === 'WEBHOOK_SECRET_MISSING' && err.field === 'webhook.secret' && err.status === 422);
  const config = loadConfig({ WEBHOOK_SECRET: 'service-secret-0123456789' });
  const queued = await prepareWebhook({ url: 'https://hooks.test/x' }, config, undefined, dns({ 'hooks.test': ['8.8.8.8'] }));
  assert.deepEqual(queued, { url: 'https://hooks.test/x', events: ['completed', 'failed', 'canceled'], secret: 'service-secret-0123456789' });
  assert.equal(await prepareWebhook(undefined, config), undefined);
});

test('the job schema: the webhook field\'s shape, its defaults and its errors name the field', () => {
  const parsed = parseJob(tinyJob(2, { webhook: { url: 'https://hooks.test/x' } }));
  assert.deepEqual(parsed.webhook, { url: 'https://hooks.test/x', events: ['completed', 'failed', 'canceled'] });
  const bad: Array<[unknown, RegExp]> = [
    [{ url: 'https://hooks.test/x', extra: 1 }, /^webhook/],
    [{ url: 'https://hooks.test/x', events: ['completed', 'completed'] }, /^webhook\.events/],
    [{ url: 'https://hooks.test/x', events: ['done'] }, /^webhook\.events\[0\]/],
    [{ url: 'https://hooks.test/x', secret: 'short' }, /^webhook\.secret$/],
    [{ url: 'https://hooks.test/' + 'x'.repeat(2048) }, /^webhook\.url$/],
    [{ url: 'mailto:someone@example.com' }, /^webhook\.url$/],
    [{ events: ['completed'] }, /^webhook/],
  ];
  for (const [webhook, field] of bad) {
    assert.throws(() => parseJob(tinyJob(2, { webhook })), (err: CodedError) => err.status === 422 && field.test(err.field ?? ''), JSON.stringify(webhook).slice(0, 80));
  }
});
