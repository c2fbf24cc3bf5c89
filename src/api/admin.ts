/**
 * The BullMQ dashboard (bull-board) at /admin/queues, for keys with the admin scope. A
 * browser cannot send a Bearer header with the page's own requests, so the admin paths
 * also take HTTP Basic (any user name, the key as password): the browser asks once.
 * In embedded mode there is no BullMQ queue, so there is no dashboard.
 */
import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { ADMIN_PREFIX } from './paths.js';

export const DASHBOARD_PATH = `${ADMIN_PREFIX}/queues`;

export async function installDashboard(app: FastifyInstance, queues: Queue[]): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter, options: { uiConfig: { boardTitle: 'diffgrad' } } });
  await app.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
}
