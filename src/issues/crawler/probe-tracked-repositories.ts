import type { Knex } from "knex";
import { estimateQueryCost } from "../../github/graphql/estimate-query-cost.js";
import { buildProbeQuery, type ProbeTarget } from "../../github/graphql/index-queries.js";
import type { GqlRepository } from "../../github/graphql/index-query-types.js";
import { notFoundAt, runGraphql } from "../../github/graphql/run-graphql.js";
import { HEALTH_WINDOW_DAYS } from "../health/collect-health-facts.js";
import { repositoryFromGraphql } from "../snapshots/from-graphql.js";
import { saveCrawlCursor, saveRepositoryActivity } from "../store/crawl-cursor-store.js";
import { markRepositoryDeleted, upsertRepository } from "../store/repository-store.js";
import { updateTrackedRepository, type CrawlCandidate } from "../store/tracked-repository-store.js";
import type { CrawlRun, PendingRepository } from "./crawl-types.js";

const PROBE_BATCH = 50;
/** Activity (commits, merged PRs) changes slowly: counted about once a day. */
const ACTIVITY_EVERY_MS = 20 * 3_600_000;

type ProbedRepository = GqlRepository & {
  changed: { totalCount: number };
  defaultBranchRef: (GqlRepository["defaultBranchRef"] & { target?: { history?: { totalCount: number } } | null }) | null;
};

function toTarget(candidate: CrawlCandidate, now: Date): ProbeTarget {
  const [owner, name] = candidate.tracked.fullName.split("/") as [string, string];
  const activityDue = !candidate.activityObservedAt || +now - +candidate.activityObservedAt >= ACTIVITY_EVERY_MS;
  const windowStart = new Date(+now - HEALTH_WINDOW_DAYS * 86_400_000);
  const day = windowStart.toISOString().slice(0, 10);
  const repo = candidate.tracked.fullName;
  return {
    nodeId: candidate.nodeId,
    owner,
    name,
    // GitHub's `since` includes the instant itself; the last pass saw everything up to its mark.
    since: candidate.lastUpdatedAt ? new Date(+candidate.lastUpdatedAt + 1000).toISOString() : null,
    states: candidate.lastUpdatedAt ? null : ["OPEN"],
    activity: activityDue
      ? { since: windowStart.toISOString(), mergedQuery: `repo:${repo} is:pr is:merged merged:>=${day}`, closedQuery: `repo:${repo} is:pr is:closed is:unmerged closed:>=${day}` }
      : null,
  };
}

async function isInstalled(knex: Knex, repositoryId: number): Promise<boolean> {
  const row = await knex("repositories as r")
    .join("installations as i", "i.id", "r.installation_id")
    .where("r.id", repositoryId)
    .whereNull("i.deleted_at")
    .first("r.id");
  return Boolean(row);
}

/**
 * Asks about many tracked repositories at once: are they still there, archived, renamed, how many
 * issues changed since the last pass, and (daily) their activity. Returns those with changes.
 */
export async function probeTrackedRepositories(run: CrawlRun, candidates: CrawlCandidate[]): Promise<PendingRepository[] | "stopped"> {
  const { knex, client, budget, stats, log } = run;
  const pending: PendingRepository[] = [];
  for (let start = 0; start < candidates.length; start += PROBE_BATCH) {
    const batch = candidates.slice(start, start + PROBE_BATCH);
    const now = run.now();
    const targets = batch.map((c) => toTarget(c, now));
    const { query, variables } = buildProbeQuery(targets);
    if ((await budget.beforeQuery(estimateQueryCost(query, variables).points)) === "stop") return "stopped";
    const result = await runGraphql<Record<string, unknown>>(client, query, variables);
    budget.observe(result.rateLimit);
    stats.requests += 1;
    stats.points += result.rateLimit?.cost ?? 0;

    for (const [i, candidate] of batch.entries()) {
      const repo = result.data[`r${i}`] as ProbedRepository | null | undefined;
      const tracked = candidate.tracked;
      stats.repositories += 1;
      if (!repo || !repo.databaseId) {
        const missing = notFoundAt(result.errors, `r${i}`)?.message ?? "repository not found";
        stats.vanished += 1;
        await updateTrackedRepository(knex, tracked.id, { status: "vanished", error: missing });
        if (tracked.repositoryId && !(await isInstalled(knex, tracked.repositoryId))) await markRepositoryDeleted(knex, tracked.repositoryId, now);
        log.info({ repo: tracked.fullName }, "tracked repository vanished");
        continue;
      }
      const snapshot = repositoryFromGraphql(repo);
      await upsertRepository(knex, snapshot, { installationId: null, trackedVia: "crawler" });
      if (await isInstalled(knex, snapshot.id)) {
        stats.skippedInstalled += 1;
        await updateTrackedRepository(knex, tracked.id, { status: "active", repositoryId: snapshot.id, error: null });
        continue;
      }
      const duplicate = await knex("tracked_repositories").where({ repository_id: snapshot.id }).whereNot({ id: tracked.id }).first("id");
      if (duplicate) {
        // Tracked under two names (a rename): the older entry stays.
        await knex("tracked_repositories").where({ id: tracked.id }).delete();
        continue;
      }
      const nameTaken =
        snapshot.fullName.toLowerCase() !== tracked.fullName.toLowerCase() &&
        (await knex("tracked_repositories").whereRaw("lower(full_name) = lower(?)", [snapshot.fullName]).first("id"));
      await updateTrackedRepository(knex, tracked.id, {
        repositoryId: snapshot.id,
        ...(nameTaken ? {} : { fullName: snapshot.fullName }),
        status: repo.isArchived ? "archived" : "active",
        error: null,
      });
      const m = result.data[`m${i}`] as { issueCount: number } | undefined;
      const c = result.data[`c${i}`] as { issueCount: number } | undefined;
      if (m && c) {
        await saveRepositoryActivity(knex, snapshot.id, {
          windowDays: HEALTH_WINDOW_DAYS,
          commits: repo.defaultBranchRef?.target?.history?.totalCount ?? 0,
          merged: m.issueCount,
          closedUnmerged: c.issueCount,
          observedAt: now,
        });
      }
      if (repo.isArchived) {
        stats.archived += 1;
        continue;
      }
      const target = targets[i]!;
      if (repo.changed.totalCount === 0) {
        await saveCrawlCursor(knex, snapshot.id, { status: "idle", lastRunAt: now, endCursor: null, nextRunAt: null, error: null });
        await updateTrackedRepository(knex, tracked.id, { lastCrawledAt: now });
        continue;
      }
      stats.changedRepositories += 1;
      pending.push({
        candidate,
        repositoryId: snapshot.id,
        fullName: snapshot.fullName,
        nodeId: repo.id,
        since: target.since,
        states: target.states,
        total: repo.changed.totalCount,
        fetched: 0,
        after: candidate.endCursor,
        maxSeen: null,
      });
    }
  }
  return pending;
}
