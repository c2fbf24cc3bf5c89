/**
 * Makes an API key: prints the key (give it to the client; it is shown only here) and the
 * entry for API_KEYS / API_KEYS_FILE, which holds only its SHA-256.
 *
 *   npm run apikey -- <tenant> [scopes, default jobs] [limits as JSON]
 *   npm run apikey -- acme jobs '{"maxActiveJobs": 20, "allowTheta": false}'
 */
import { hashKey, newKey, parseApiKeys } from '../src/auth/keys.js';

const [tenant, scopes = 'jobs', limits] = process.argv.slice(2);
if (!tenant) {
  console.error('usage: npm run apikey -- <tenant> [scopes: jobs,admin] [limits JSON]');
  process.exit(2);
}
const key = newKey();
const entry = { tenant, sha256: hashKey(key), scopes: scopes.split(',').map((s) => s.trim()), ...(limits ? { limits: JSON.parse(limits) as unknown } : {}) };
try {
  parseApiKeys(JSON.stringify([entry]), 'the new entry');
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
console.log(`key (give it to the client; it is not stored anywhere): ${key}`);
console.log(`entry for API_KEYS / API_KEYS_FILE:\n${JSON.stringify(entry)}`);
