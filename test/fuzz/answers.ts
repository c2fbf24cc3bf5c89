/**
 * The property every fuzzed response must have, and the figures the fuzz run reports:
 * no 5xx ever; every 4xx an RFC 9457 problem (application/problem+json) with type, title,
 * status (equal to the HTTP status), code and detail; and where the input is to blame
 * (400, 413, 415, 422) a `field` naming what is wrong.
 */
import assert from 'node:assert/strict';
import type { Answer } from '../helpers/wire.js';

/** Statuses whose problem must say which part of the request is wrong. */
const FIELD_REQUIRED = new Set([400, 413, 415, 422]);

/** The field a problem of this code must name, where only one makes sense. */
const FIELD_OF_CODE: Record<string, string> = {
  BODY_TOO_LARGE: 'body',
  UNSUPPORTED_MEDIA_TYPE: 'content-type',
  INVALID_JSON: 'body',
};

export class Tally {
  total = 0;
  readonly byStatus = new Map<number, number>();
  readonly byCode = new Map<string, number>();
  serverErrors = 0;
  /** Ids of the jobs the API accepted: each must end, and not with INTERNAL. */
  readonly accepted = new Set<string>();

  /**
   * Counts `answer` and asserts the property; `what` describes the request for the
   * failure message (fast-check adds the seed and the shrunk input).
   */
  check(answer: Answer, what: string, opts: { bodyless?: boolean } = {}): void {
    this.total++;
    this.byStatus.set(answer.status, (this.byStatus.get(answer.status) ?? 0) + 1);
    const context = `${what}\n→ ${answer.status} ${answer.contentType}\n${answer.text.slice(0, 600)}`;
    if (answer.status >= 500) this.serverErrors++;
    assert.ok(answer.status < 500, `5xx: ${context}`);
    if (answer.status < 400) return;
    assert.match(answer.contentType, /^application\/problem\+json/, `a 4xx that is not a problem: ${context}`);
    // A HEAD answer has no body to hold the problem: its status and type must still be right.
    if (opts.bodyless) return;
    let problem: Record<string, unknown>;
    try {
      problem = JSON.parse(answer.text) as Record<string, unknown>;
    } catch {
      assert.fail(`a problem body that is not JSON: ${context}`);
    }
    for (const key of ['type', 'title', 'code', 'detail']) {
      assert.equal(typeof problem[key], 'string', `problem.${key} missing: ${context}`);
      assert.ok((problem[key] as string).length > 0, `problem.${key} empty: ${context}`);
    }
    assert.equal(problem.status, answer.status, `problem.status differs from the HTTP status: ${context}`);
    const code = problem.code as string;
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1);
    if (FIELD_REQUIRED.has(answer.status)) {
      assert.equal(typeof problem.field, 'string', `a ${answer.status} that names no field: ${context}`);
      assert.ok((problem.field as string).length > 0, `an empty field: ${context}`);
    }
    if (Object.hasOwn(FIELD_OF_CODE, code)) assert.equal(problem.field, FIELD_OF_CODE[code], `${code} names the wrong field: ${context}`);
  }

  /** Remembers the job a 200/202 created (its id is in the record). */
  noteAccepted(answer: Answer): void {
    if (answer.status !== 200 && answer.status !== 202) return;
    const id = (JSON.parse(answer.text) as { id?: unknown }).id;
    if (typeof id === 'string') this.accepted.add(id);
  }

  /** The figures, one line each, for the test output. */
  report(): string[] {
    const histogram = [...this.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ');
    const codes = [...this.byCode].sort(([, a], [, b]) => b - a).map(([c, n]) => `${c}: ${n}`).join(', ');
    return [`requests: ${this.total}`, `responses by status: ${histogram}`, `problems by code: ${codes}`, `5xx responses: ${this.serverErrors}`, `jobs accepted: ${this.accepted.size}`];
  }
}

/** The problem body of a 4xx answer (call after Tally.check). */
export function problemOf(answer: Answer): { code: string; field?: string; detail: string } {
  return JSON.parse(answer.text) as { code: string; field?: string; detail: string };
}
