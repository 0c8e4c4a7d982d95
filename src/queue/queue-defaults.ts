import type { BackoffOptions } from "./types.js";

/**
 * Settings both drivers share, so a job behaves the same on a laptop (memory) and in
 * production (BullMQ). The retention windows are also the dedupe windows for job ids.
 */
export const queueDefaults = {
  attempts: 3,
  backoff: { type: "exponential", delayMs: 1000 } as BackoffOptions,
  keepCompleted: { ageMs: 60 * 60 * 1000, count: 1000 },
  keepFailed: { ageMs: 7 * 24 * 60 * 60 * 1000, count: 5000 },
  // Below the usual 30 s a platform waits after SIGTERM before killing the process.
  closeTimeoutMs: 25_000,
  concurrency: 1,
} as const;
