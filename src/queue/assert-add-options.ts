import type { AddOptions } from "./types.js";

/**
 * Checks an id that becomes part of Redis keys: BullMQ separates key parts with `:` and treats
 * all-digit ids as its own generated ones, so either would collide with another job.
 */
export function assertQueueId(kind: "job id" | "schedule id", id: string): void {
  if (id.length === 0 || id.length > 200) throw new Error(`${kind} must have 1 to 200 characters`);
  if (id.includes(":")) throw new Error(`${kind} "${id}" must not contain ":" (use "-")`);
  if (/^\d+$/.test(id)) throw new Error(`${kind} "${id}" must not be all digits (prefix it, e.g. "issue-${id}")`);
}

/** Rejects options a driver would otherwise silently reinterpret (BullMQ treats 0 attempts as 1). */
export function assertAddOptions(options: AddOptions): void {
  if (options.jobId !== undefined) assertQueueId("job id", options.jobId);
  if (options.attempts !== undefined && !(Number.isInteger(options.attempts) && options.attempts >= 1)) {
    throw new Error(`attempts must be an integer of at least 1, got ${options.attempts}`);
  }
  if (options.delayMs !== undefined && !(Number.isFinite(options.delayMs) && options.delayMs >= 0)) {
    throw new Error(`delayMs must be a number of at least 0, got ${options.delayMs}`);
  }
  if (options.backoff !== undefined && !(Number.isFinite(options.backoff.delayMs) && options.backoff.delayMs >= 0)) {
    throw new Error(`backoff.delayMs must be a number of at least 0, got ${options.backoff.delayMs}`);
  }
}
