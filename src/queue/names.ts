/** Names shared by the API and the workers: the queue, Redis keys and channels. */
export const QUEUE_NAME = 'gradients';
/** Webhook deliveries: one BullMQ job per delivery, its attempts the delivery's retries. */
export const WEBHOOK_QUEUE_NAME = 'webhooks';
export const KEY_PREFIX = 'diffgrad';

export const keys = {
  input: (id: string) => `${KEY_PREFIX}:blob:input:${id}`,
  result: (id: string) => `${KEY_PREFIX}:blob:result:${id}`,
  idempotency: (key: string) => `${KEY_PREFIX}:idempotency:${key}`,
  /** Sorted set: worker id -> last heartbeat (ms). */
  workers: `${KEY_PREFIX}:workers`,
  /** List: the job's webhook delivery attempts, oldest first. */
  webhookDeliveries: (id: string) => `${KEY_PREFIX}:webhook:deliveries:${id}`,
};

/** Pub/sub channel on which the API asks every worker to cancel a running job. */
export const CANCEL_CHANNEL = `${KEY_PREFIX}:cancel`;
