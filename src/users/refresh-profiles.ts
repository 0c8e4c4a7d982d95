import type { Knex } from "knex";
import type { Logger } from "pino";
import type { Queue } from "../queue/types.js";
import { requestProfileAnalysis } from "./request-profile-analysis.js";

export const REFRESH_PROFILES_JOB = "users.refresh-profiles";
export const PRUNE_SESSIONS_JOB = "users.prune-sessions";
export const PROFILE_MAX_AGE_MS = 7 * 24 * 3600_000;

/**
 * The weekly refresher: queues an analysis for every user whose profile is older than a week (or
 * never finished) and who still has a GitHub authorization, at most `batch` per run.
 */
export async function refreshStaleProfiles(deps: { knex: Knex; queue: Queue; log: Logger; now: Date }, batch = 500): Promise<number> {
  const cutoff = new Date(deps.now.getTime() - PROFILE_MAX_AGE_MS);
  const rows: Array<{ id: number }> = await deps.knex("users as u")
    .whereNull("u.deleted_at")
    .where((q) => q.whereNull("u.profile_analyzed_at").orWhere("u.profile_analyzed_at", "<", cutoff))
    .whereExists((q) => q.select(deps.knex.raw("1")).from("user_tokens as t").whereRaw("t.user_id = u.id"))
    .orderBy("u.profile_analyzed_at", "asc")
    .limit(batch)
    .select("u.id");
  // One job id per user and ISO-ish week: a rerun of this job in the same week adds nothing.
  const week = Math.floor(deps.now.getTime() / PROFILE_MAX_AGE_MS);
  let queued = 0;
  for (const row of rows) if (await requestProfileAnalysis(deps.queue, Number(row.id), deps.now, deps.log, { suffix: `w${week}`, lane: "background" })) queued += 1;
  if (queued > 0) deps.log.info({ queued }, "stale skill profiles queued");
  return queued;
}
