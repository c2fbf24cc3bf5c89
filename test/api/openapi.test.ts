/** The checked-in spec and client types are what the routes generate, and the spec lints clean. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { generateSpec } from '../../src/api/spec.js';
import { generateClientTypes } from '../../scripts/client-types.js';

test('openapi/openapi.json equals the spec generated from the route schemas (run npm run openapi after changing them)', async () => {
  const generated = JSON.stringify(await generateSpec(), null, 2) + '\n';
  assert.equal(readFileSync('openapi/openapi.json', 'utf8'), generated);
  assert.equal(readFileSync('openapi/schema.d.ts', 'utf8'), await generateClientTypes(generated));
});

test('the spec passes redocly lint with no errors', () => {
  const run = spawnSync(process.execPath, ['node_modules/@redocly/cli/bin/cli.js', 'lint', '--format', 'stylish', 'openapi/openapi.json'], { encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test('the spec documents every route, the job body and problem responses', async () => {
  const spec = JSON.parse(readFileSync('openapi/openapi.json', 'utf8'));
  for (const path of ['/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/result', '/v1/jobs/{id}/cancel', '/v1/jobs/{id}/events', '/v1/models', '/v1/models/{id}', '/healthz', '/readyz', '/metrics']) {
    assert.ok(spec.paths[path], path);
  }
  const post = spec.paths['/v1/jobs'].post;
  assert.ok(post.requestBody.content['application/json'].schema);
  assert.ok(post.requestBody.content['application/vnd.safetensors']);
  assert.ok(post.responses['422'].content['application/json'] ?? post.responses['422'].content['application/problem+json']);
});
