/**
 * One logger for every process: JSON lines (pino) with an ISO time, the level by name and
 * the service that wrote them (api, worker, or a worker's sandbox), so the streams of all
 * processes can be merged and one job followed through them by its `jobId` field.
 */
import { hostname } from 'node:os';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };
export type LogService = 'api' | 'worker' | 'sandbox';

/** Also what Fastify builds the API's logger from, so its lines look like everyone else's. */
export function loggerOptions(service: LogService, level: string): LoggerOptions {
  return {
    level,
    base: { service, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Names, not pino's numbers: `jq 'select(.level=="error")'` reads as it means.
    formatters: { level: (label) => ({ level: label }) },
  };
}

export function createLogger(service: LogService, level: string): Logger {
  return pino(loggerOptions(service, level));
}
