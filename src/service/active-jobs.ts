/**
 * Per-tenant caps on jobs queued or running at once, kept in Redis so that every API
 * replica sees the same count. A tenant's set holds the ids it has in flight; an id is
 * claimed atomically against the cap, and finished ids are pruned lazily, only when a
 * set looks full (so a worker or API that died mid-job can never leave a tenant stuck).
 */
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from '../queue/names.js';

const CLAIM = `
if redis.call('SCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SADD', KEYS[1], ARGV[2])
  return 1
end
return 0`;

export type ActiveKind = 'all' | 'theta';

export const activeKey = (tenant: string, kind: ActiveKind) => `${KEY_PREFIX}:tenant:${tenant}:active:${kind}`;

export class RedisActiveJobs {
  /** @param isInFlight tells, for each id, whether that job is still queued or running. */
  constructor(
    private readonly redis: Redis,
    private readonly isInFlight: (ids: string[]) => Promise<boolean[]>,
  ) {}

  /** Adds the id if the tenant is under the cap; false if it is at the cap even after pruning. */
  async claim(tenant: string, kind: ActiveKind, id: string, cap: number): Promise<boolean> {
    const key = activeKey(tenant, kind);
    if ((await this.redis.eval(CLAIM, 1, key, cap, id)) === 1) return true;
    await this.prune(key);
    return (await this.redis.eval(CLAIM, 1, key, cap, id)) === 1;
  }

  async release(tenant: string, kind: ActiveKind, id: string): Promise<void> {
    await this.redis.srem(activeKey(tenant, kind), id);
  }

  private async prune(key: string): Promise<void> {
    const ids = await this.redis.smembers(key);
    const inFlight = await this.isInFlight(ids);
    const done = ids.filter((_, i) => !inFlight[i]);
    if (done.length > 0) await this.redis.srem(key, ...done);
  }
}
