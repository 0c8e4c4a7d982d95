import { estimateQueryCost } from "../../github/graphql/estimate-query-cost.js";
import { buildIssuePageQuery, buildIssuesByIdQuery } from "../../github/graphql/index-queries.js";
import type { GqlChangedIssue, GqlIssue, GqlIssueConnection } from "../../github/graphql/index-query-types.js";
import { runGraphql } from "../../github/graphql/run-graphql.js";
import { applyGraphqlIssue } from "../apply-graphql-issue.js";
import { saveCrawlCursor } from "../store/crawl-cursor-store.js";
import { updateTrackedRepository } from "../store/tracked-repository-store.js";
import type { CrawlRun, PendingRepository } from "./crawl-types.js";
import { mergeIssueTimeline, readHeldIssues } from "./merge-issue-timeline.js";

/**
 * GitHub bills a query round(requests / 100) points, at least one, where a connection costs one
 * request per parent that may hold it. Queries are packed up to the most requests that still
 * round to a single point, which is the cheapest rate per issue.
 */
const REQUESTS_PER_POINT = 149;
/** The issues connection of each repository in a page query. */
const REQUESTS_PER_REPOSITORY = 1;
/** A changed issue asks for one connection (its timeline); a whole one for three (labels, assignees, comments). */
const requestsPerIssue = (whole: boolean) => (whole ? 3 : 1);
/**
 * Issues updated this close to the start of a pass may have siblings updated in the same second
 * that the pass did not see: the next pass starts no later than this before the current one.
 */
const SAFETY_MARGIN_MS = 2 * 60_000;
/** Whole issues by id: three connections each, so 49 to a one-point query. */
const WHOLE_ISSUES_PER_QUERY = Math.floor(REQUESTS_PER_POINT / requestsPerIssue(true));

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
    let requests = 0;
    while (queue.length > 0) {
      const next = queue[0]!;
      const perIssue = requestsPerIssue(next.since === null);
      const room = Math.floor((REQUESTS_PER_POINT - requests - REQUESTS_PER_REPOSITORY) / perIssue);
      if (batch.length > 0 && room < 1) break;
      const first = Math.max(1, Math.min(100, next.total - next.fetched, room));
      batch.push({ ...queue.shift()!, first });
      requests += REQUESTS_PER_REPOSITORY + first * perIssue;
    }
    const { query, variables } = buildIssuePageQuery(
      batch.map((p) => ({ nodeId: p.nodeId, since: p.since, states: p.states, first: p.first, after: p.after })),
    );
    const stop = async () => {
      for (const p of [...batch, ...queue]) {
        await saveCrawlCursor(knex, p.repositoryId, { status: "rate_limited", endCursor: p.after, nextRunAt: budget.resetAt() });
      }
      return "stopped" as const;
    };
    if ((await budget.beforeQuery(estimateQueryCost(query, variables).points)) === "stop") return stop();
    const result = await runGraphql<Record<string, { issues?: GqlIssueConnection<GqlIssue | GqlChangedIssue> } | null>>(client, query, variables);
    budget.observe(result.rateLimit);
    stats.requests += 1;
    stats.points += result.rateLimit?.cost ?? 0;

    // Changed issues are rebuilt from their timelines; those that cannot be are read whole.
    const pages = new Map<number, GqlIssue[]>();
    const readWhole: string[] = [];
    for (const [i, repo] of batch.entries()) {
      const nodes = result.data[`r${i}`]?.issues?.nodes;
      if (!nodes) continue;
      if (repo.since === null) {
        pages.set(i, nodes as GqlIssue[]);
        continue;
      }
      const changed = nodes as GqlChangedIssue[];
      const held = await readHeldIssues(knex, changed.flatMap((n) => (n.databaseId === null ? [] : [n.databaseId])));
      pages.set(
        i,
        changed.flatMap((node) => {
          const merged = node.databaseId === null ? null : mergeIssueTimeline(node, held.get(node.databaseId), repo.since!);
          if (!merged) readWhole.push(node.id);
          return merged ? [merged] : [];
        }),
      );
    }
    const whole = new Map<string, GqlIssue>();
    for (let at = 0; at < readWhole.length; at += WHOLE_ISSUES_PER_QUERY) {
      const ids = readWhole.slice(at, at + WHOLE_ISSUES_PER_QUERY);
      const byId = buildIssuesByIdQuery(ids);
      if ((await budget.beforeQuery(estimateQueryCost(byId.query, byId.variables).points)) === "stop") return stop();
      const answer = await runGraphql<Record<string, GqlIssue | null>>(client, byId.query, byId.variables);
      budget.observe(answer.rateLimit);
      stats.requests += 1;
      stats.points += answer.rateLimit?.cost ?? 0;
      ids.forEach((id, k) => {
        const issue = answer.data[`i${k}`];
        // Gone since the page was read (deleted or transferred): the webhook-free index learns of it on a later pass.
        if (issue?.id) whole.set(id, issue);
      });
    }

    for (const [i, repo] of batch.entries()) {
      const connection = result.data[`r${i}`]?.issues;
      const now = run.now();
      if (!connection) {
        await saveCrawlCursor(knex, repo.repositoryId, { status: "failed", error: "repository disappeared during the crawl", lastRunAt: now });
        continue;
      }
      const done = !connection.pageInfo.hasNextPage;
      let maxSeen = repo.maxSeen;
      const nodes = [...(pages.get(i) ?? []), ...connection.nodes.flatMap((n) => whole.get(n.id) ?? [])];
      await knex.transaction(async (trx) => {
        for (const node of nodes) {
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
