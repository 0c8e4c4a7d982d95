import type { Logger } from "pino";
import { QueueUnavailableError } from "../queue/errors.js";
import type { Lane, Queue } from "../queue/types.js";
import { ANALYZE_PROFILE_JOB, type AnalyzeProfileData } from "./skills/analyze-profile.js";

/**
 * Queues a profile analysis. The job id carries the minute, so repeated clicks within a minute
 * share one job while a later request runs again (completed ids are kept for an hour).
 * Returns false when the queue is down; the weekly refresher catches up. A person waiting for it
 * is served in the `requested` lane; the weekly refresh runs in the background one.
 */
export async function requestProfileAnalysis(
  queue: Queue,
  userId: number,
  now: Date,
  log: Logger,
  run: { suffix: string; lane: Lane } = { suffix: `m${Math.floor(now.getTime() / 60_000)}`, lane: "requested" },
): Promise<boolean> {
  try {
    const { added } = await queue.add<AnalyzeProfileData>(ANALYZE_PROFILE_JOB, { userId }, { jobId: `profile-${userId}-${run.suffix}`, lane: run.lane, attempts: 3, backoff: { type: "exponential", delayMs: 30_000 } });
    return added;
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    log.warn({ userId }, "profile analysis not queued: queue unavailable");
    return false;
  }
}
