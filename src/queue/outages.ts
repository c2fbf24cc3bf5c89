/**
 * Redis connections reconnect on their own; what an operator needs is one line when a
 * connection is lost and one when it is back, not one per reconnect attempt. Listening
 * also keeps ioredis from printing "Unhandled error event" for each attempt.
 */
import type { Redis } from 'ioredis';

export function reportOutages(connection: Redis, name: string, report: (message: string, err?: Error) => void): void {
  let down = false;
  connection.on('error', (err: Error) => {
    if (!down) report(`${name}: Redis connection lost (${err.message}); reconnecting`, err);
    down = true;
  });
  connection.on('ready', () => {
    if (down) report(`${name}: Redis connection back`);
    down = false;
  });
}
