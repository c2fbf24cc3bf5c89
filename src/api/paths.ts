/** Which paths are operations endpoints and which the dashboard, for hooks that treat them apart. */
const pathOf = (url: string) => url.split('?')[0];

/** Health, metrics and docs: no key, no rate limit, no shedding, no queue check. */
export function isOperationsPath(url: string): boolean {
  const path = pathOf(url);
  return path === '/healthz' || path === '/readyz' || path === '/metrics' || path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/');
}

export const ADMIN_PREFIX = '/admin';

/** The queue dashboard and anything else under /admin: the admin scope only. */
export function isAdminPath(url: string): boolean {
  const path = pathOf(url);
  return path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`);
}
