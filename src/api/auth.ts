/**
 * Who is calling: an API key (Authorization: Bearer <key>) names a tenant, its scopes and
 * its limits. Routes say which scope they need in their config (`scope`); jobs belong to
 * the tenant that submitted them. With no keys configured every caller is the one
 * tenant "public" with every scope: the open mode for a first try on one machine.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashKey, type ApiKeyEntry, type KeyLimits, type Scope } from '../auth/keys.js';
import type { Config } from '../config.js';
import { OPEN_TENANT } from '../queue/contract.js';
import { sendProblem } from './problems.js';
import { isAdminPath, isOperationsPath } from './paths.js';

export interface Principal {
  tenant: string;
  scopes: readonly Scope[];
  limits: KeyLimits;
  /** What rate limits count by: a prefix of the key's hash, or the client address when open. */
  rateKey: string;
  webhookSecret?: string;
}

/** A route's `config.scope`: the scope it needs, or 'public' for no key at all. */
export type RouteScope = Scope | 'public';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    scope?: RouteScope;
  }
}

export { OPEN_TENANT };

/** Bearer for API clients; Basic (any user name, the key as password) so a browser can open the dashboard. */
export function presentedKey(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return null;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

function unauthorized(reply: FastifyReply, detail: string, basic: boolean): FastifyReply {
  reply.header('www-authenticate', basic ? 'Basic realm="diffgrad admin", charset="UTF-8"' : 'Bearer realm="diffgrad"');
  return sendProblem(reply, { status: 401, code: 'UNAUTHORIZED', detail, field: 'Authorization' });
}

export function installAuth(app: FastifyInstance, config: Readonly<Config>): void {
  const byHash = new Map<string, ApiKeyEntry>(config.apiKeys.map((k) => [k.sha256, k]));
  const open = byHash.size === 0;
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const scope: RouteScope = request.routeOptions.config?.scope ?? (isOperationsPath(request.url) ? 'public' : isAdminPath(request.url) ? 'admin' : 'jobs');
    if (open) {
      request.principal = { tenant: OPEN_TENANT, scopes: ['jobs', 'admin'], limits: {}, rateKey: `ip:${request.ip}` };
      return;
    }
    const key = presentedKey(request.headers.authorization);
    const entry = key === null ? undefined : byHash.get(hashKey(key));
    if (entry) request.principal = { tenant: entry.tenant, scopes: entry.scopes, limits: entry.limits, rateKey: `key:${entry.sha256.slice(0, 16)}`, webhookSecret: entry.webhookSecret };
    if (scope === 'public') return;
    const basic = scope === 'admin';
    if (key === null) return unauthorized(reply, 'this needs an API key: Authorization: Bearer <key>', basic);
    if (!entry) return unauthorized(reply, 'the API key is not valid', basic);
    if (!entry.scopes.includes(scope)) return sendProblem(reply, { status: 403, code: 'FORBIDDEN', detail: `this API key lacks the "${scope}" scope`, field: 'Authorization' });
  });
}

/** The caller of a route that required a key (or the open tenant). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route reached without a principal: is its scope "public"?');
  return request.principal;
}
