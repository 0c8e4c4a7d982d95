import type { Logger } from "pino";
import { QueueUnavailableError } from "../queue/errors.js";
import type { Queue } from "../queue/types.js";
import { ANALYZE_PROFILE_JOB, type AnalyzeProfileData } from "./skills/analyze-profile.js";

/**
 * Queues a profile analysis. The job id carries the minute, so repeated clicks within a minute
 * share one job while a later request runs again (completed ids are kept for an hour).
 * Returns false when the queue is down; the weekly refresher catches up.
 */
export async function requestProfileAnalysis(queue: Queue, userId: number, now: Date, log: Logger, suffix = `m${Math.floor(now.getTime() / 60_000)}`): Promise<boolean> {
  try {
    const { added } = await queue.add<AnalyzeProfileData>(ANALYZE_PROFILE_JOB, { userId }, { jobId: `profile-${userId}-${suffix}`, attempts: 3, backoff: { type: "exponential", delayMs: 30_000 } });
    return added;
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    log.warn({ userId }, "profile analysis not queued: queue unavailable");
    return false;
  }
}
