/**
 * One table of coded errors, shared by every layer. Input errors carry the field
 * (a JSON path such as `z.shape`) and map to a 4xx status; only their messages
 * are meant for clients verbatim.
 */
export const ERRORS = {
  INVALID_JOB: { status: 422, message: 'the job is invalid' },
  INVALID_TENSOR: { status: 422, message: 'a tensor is invalid' },
  SHAPE_MISMATCH: { status: 422, message: 'a tensor does not have the shape the model expects' },
  UNKNOWN_MODEL: { status: 404, message: 'no such model' },
  MODEL_LOAD_FAILED: { status: 500, message: 'the model could not be loaded' },
  BACKEND_UNAVAILABLE: { status: 500, message: 'the requested backend is not available' },
  NUMERICAL_BLOWUP: { status: 422, message: 'the solve produced NaN or Inf' },
  CANCELED: { status: 409, message: 'the job was canceled' },
  MEMORY_BUDGET: { status: 422, message: 'the job does not fit the memory budget' },
  UNAUTHORIZED: { status: 401, message: 'a valid API key is required (Authorization: Bearer <key>)' },
  FORBIDDEN: { status: 403, message: 'this API key lacks the scope for this' },
  LIMIT_EXCEEDED: { status: 422, message: 'the job exceeds a limit of this API key' },
  RATE_LIMITED: { status: 429, message: 'too many requests' },
  TOO_MANY_ACTIVE_JOBS: { status: 429, message: 'too many jobs queued or running for this tenant' },
  WEBHOOK_TARGET_REFUSED: { status: 422, message: 'the webhook URL points at an address that is not allowed' },
  WEBHOOK_SECRET_MISSING: { status: 422, message: 'no secret to sign this webhook with' },
  QUEUE_UNAVAILABLE: { status: 503, message: 'the queue is unavailable; retry later' },
  OVERLOADED: { status: 503, message: 'the service is overloaded; retry later' },
  INTERNAL: { status: 500, message: 'internal error' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class CodedError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** JSON path of the offending field, when one is to blame. */
  readonly field?: string;
  /** Extra machine-readable facts, e.g. the solver step where a blow-up happened. */
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, opts: { field?: string; details?: Record<string, unknown>; status?: number } = {}) {
    super(message ?? ERRORS[code].message);
    this.name = 'CodedError';
    this.code = code;
    // A caller may say more precisely how an error reads where it arises (e.g. 422, not 404, for a body field).
    this.status = opts.status ?? ERRORS[code].status;
    this.field = opts.field;
    this.details = opts.details;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, field: this.field, ...this.details };
  }
}

/** An input error naming the field and the reason. */
export function invalid(field: string, reason: string, code: ErrorCode = 'INVALID_JOB'): CodedError {
  return new CodedError(code, `${field}: ${reason}`, { field });
}
