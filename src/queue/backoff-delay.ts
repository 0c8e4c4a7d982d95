import type { BackoffOptions } from "./types.js";

/**
 * Milliseconds to wait before the next attempt once `attemptsMade` attempts have failed.
 * Same formula as BullMQ's built-in strategies, so the memory driver retries on the same rhythm.
 */
export function backoffDelay(backoff: BackoffOptions, attemptsMade: number): number {
  if (backoff.type === "fixed") return backoff.delayMs;
  return Math.round(2 ** Math.max(0, attemptsMade - 1) * backoff.delayMs);
}
