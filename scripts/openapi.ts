/**
 * Writes the OpenAPI document the API generates from its route schemas to
 * openapi/openapi.json, and the client types generated from that file with
 * openapi-typescript to openapi/schema.d.ts. Both are checked in; tests fail when
 * either drifts from what this script would write.
 *   npm run openapi
 */
import { writeFile } from 'node:fs/promises';
import { generateSpec } from '../src/api/spec.js';
import { generateClientTypes } from './client-types.js';

const spec = await generateSpec();
const json = JSON.stringify(spec, null, 2) + '\n';
await writeFile('openapi/openapi.json', json);
await writeFile('openapi/schema.d.ts', await generateClientTypes(json));
console.log('written: openapi/openapi.json, openapi/schema.d.ts');
