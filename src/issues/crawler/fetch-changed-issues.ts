import { estimateQueryCost } from "../../github/graphql/estimate-query-cost.js";
import { buildIssuePageQuery } from "../../github/graphql/index-queries.js";
import type { GqlIssueConnection } from "../../github/graphql/index-query-types.js";
import { runGraphql } from "../../github/graphql/run-graphql.js";
import { applyGraphqlIssue } from "../apply-graphql-issue.js";
import { saveCrawlCursor } from "../store/crawl-cursor-store.js";
import { updateTrackedRepository } from "../store/tracked-repository-store.js";
import type { CrawlRun, PendingRepository } from "./crawl-types.js";

/** Issues asked for in one query across repositories; GitHub allows 100 per connection. */
const ISSUES_PER_QUERY = 500;
/**
 * Issues updated this close to the start of a pass may have siblings updated in the same second
 * that the pass did not see: the next pass starts no later than this before the current one.
 */
const SAFETY_MARGIN_MS = 2 * 60_000;

/**
 * Pages through the changed issues of every pending repository, oldest change first, several
 * repositories per query with page sizes fitted to what changed (GitHub bills a page by the size
 * asked for, not the size returned). Each page is applied and checkpointed in one transaction.
 */
export async function fetchChangedIssues(run: CrawlRun, pending: PendingRepository[]): Promise<"done" | "stopped"> {
  const { knex, client, budget, stats, log } = run;
  const passStartedAt = run.now();
  const queue = [...pending];
  while (queue.length > 0) {
    const batch: Array<PendingRepository & { first: number }> = [];
    let size = 0;
    while (queue.length > 0) {
      const first = Math.min(100, Math.max(1, queue[0]!.total - queue[0]!.fetched));
      if (batch.length > 0 && size + first > ISSUES_PER_QUERY) break;
      batch.push({ ...queue.shift()!, first });
      size += first;
    }
    const { query, variables } = buildIssuePageQuery(
      batch.map((p) => ({ nodeId: p.nodeId, since: p.since, states: p.states, first: p.first, after: p.after })),
    );
    if ((await budget.beforeQuery(estimateQueryCost(query, variables).points)) === "stop") {
      for (const p of [...batch, ...queue]) {
        await saveCrawlCursor(knex, p.repositoryId, { status: "rate_limited", endCursor: p.after, nextRunAt: budget.resetAt() });
      }
      return "stopped";
    }
    const result = await runGraphql<Record<string, { issues?: GqlIssueConnection } | null>>(client, query, variables);
    budget.observe(result.rateLimit);
    stats.requests += 1;
    stats.points += result.rateLimit?.cost ?? 0;

    for (const [i, repo] of batch.entries()) {
      const connection = result.data[`r${i}`]?.issues;
      const now = run.now();
      if (!connection) {
        await saveCrawlCursor(knex, repo.repositoryId, { status: "failed", error: "repository disappeared during the crawl", lastRunAt: now });
        continue;
      }
      const done = !connection.pageInfo.hasNextPage;
      let maxSeen = repo.maxSeen;
      await knex.transaction(async (trx) => {
        for (const node of connection.nodes) {
          if (await applyGraphqlIssue(trx, node, { id: repo.repositoryId, fullName: repo.fullName })) {
            const updated = new Date(node.updatedAt);
            if (!maxSeen || updated > maxSeen) maxSeen = updated;
          }
        }
        if (done) {
          const cap = new Date(+passStartedAt - SAFETY_MARGIN_MS);
          const mark = maxSeen && maxSeen > cap ? cap : maxSeen;
          await saveCrawlCursor(trx, repo.repositoryId, {
            ...(mark && (!repo.candidate.lastUpdatedAt || mark > repo.candidate.lastUpdatedAt) ? { lastUpdatedAt: mark } : {}),
            endCursor: null,
            status: "idle",
            lastRunAt: now,
            nextRunAt: null,
            error: null,
            cost: result.rateLimit?.cost ?? 0,
          });
        } else {
          await saveCrawlCursor(trx, repo.repositoryId, { endCursor: connection.pageInfo.endCursor, status: "running", lastRunAt: now });
        }
      });
      stats.issuesFetched += connection.nodes.length;
      const fetched = repo.fetched + connection.nodes.length;
      run.onProgress?.({ fullName: repo.fullName, fetched, total: Math.max(fetched, connection.totalCount) });
      if (done) {
        await updateTrackedRepository(knex, repo.candidate.tracked.id, { lastCrawledAt: now });
        log.debug({ repo: repo.fullName, fetched }, "crawled repository");
      } else {
        queue.push({ ...repo, fetched, total: Math.max(connection.totalCount, fetched + 1), after: connection.pageInfo.endCursor, maxSeen });
      }
    }
  }
  return "done";
}
