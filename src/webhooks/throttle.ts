/**
 * Progress webhooks at most once per interval per job: a job reports progress every few
 * steps, and a receiver should not get a request for each.
 */
export const PROGRESS_WEBHOOK_INTERVAL_MS = 1000;

export class ProgressThrottle {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs = PROGRESS_WEBHOOK_INTERVAL_MS) {}

  /** True if this job's progress may be sent now (and then counts as sent). */
  allow(jobId: string, now = Date.now()): boolean {
    const previous = this.last.get(jobId);
    if (previous !== undefined && now - previous < this.intervalMs) return false;
    this.last.set(jobId, now);
    return true;
  }

  /** The job has ended: nothing more to throttle. */
  forget(jobId: string): void {
    this.last.delete(jobId);
  }
}
