/** The job service this configuration calls for: BullMQ when REDIS_URL is set, else embedded. */
import type { Config } from '../config.js';
import type { JobService } from './jobs.js';
import { BullmqJobService } from './bullmq.js';
import { EmbeddedJobService } from './embedded.js';

export async function createJobService(config: Readonly<Config>): Promise<JobService> {
  if (!config.redisUrl) return new EmbeddedJobService(config);
  const service = new BullmqJobService(config);
  await service.ready();
  return service;
}
