/** Telling a Redis outage (come back later: 503) from a bug (500). */
export const RETRY_AFTER_SECONDS = 5;

/** Errors that mean Redis could not be reached or could not answer right now. */
export function isQueueOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection is closed|Stream isn't writeable|enableOfflineQueue|LOADING|READONLY|MISCONF|OOM command not allowed|Reached the max retries/i.test(err.message);
}
