import type { Knex } from "knex";
import type { Logger } from "pino";
import { GithubNotFoundError, GithubRateLimitedError } from "../../github/graphql/github-errors.js";
import {
  BACKFILL_COMMITS_QUERY,
  BACKFILL_ISSUES_QUERY,
  BACKFILL_PULL_REQUESTS_QUERY,
} from "../../github/graphql/index-queries.js";
import type { GqlIssueConnection, GqlPageInfo, GqlPullRequest, GqlRepository } from "../../github/graphql/index-query-types.js";
import { runGraphql, type GraphqlClient } from "../../github/graphql/run-graphql.js";
import { applyGraphqlIssue } from "../apply-graphql-issue.js";
import { applyPullRequest } from "../apply-snapshots.js";
import { HEALTH_WINDOW_DAYS } from "../health/collect-health-facts.js";
import { computeRepositoryHealth } from "../health/compute-repository-health.js";
import { firstResponseFromTimeline, pullRequestFromGraphql, repositoryFromGraphql } from "../snapshots/from-graphql.js";
import { insertCommits } from "../store/commit-store.js";
import { recordPullRequestResponse } from "../store/pull-request-store.js";
import { getRepository, upsertRepository } from "../store/repository-store.js";
import { getSyncProgress, updateSyncProgress, type SyncPhase } from "../store/sync-progress-store.js";

export interface BackfillOptions {
  knex: Knex;
  client: GraphqlClient;
  repositoryId: number;
  now: () => Date;
  log: Logger;
  /** called after commit for each merged pull request seen for the first time */
  onContribution?: (githubPrId: number) => Promise<void>;
  /** at most this many pages of commit history (100 commits each) */
  maxCommitPages?: number;
}

export type BackfillOutcome = "done" | "skipped";

const PHASES: SyncPhase[] = ["open_issues", "closed_issues", "pull_requests", "commits", "health"];

interface PageResult {
  next: string | null;
  counts: { issues?: number; pullRequests?: number; commits?: number };
  contributions?: number[];
}

/**
 * Fills the index for one installed repository, when a backfill is queued for it (queueSync): every open issue, issues closed in the health
 * window, pull requests updated in it, and default-branch commits, then scores its health.
 * Progress (phase, cursor, counts) is saved after every page, so a run stopped by a rate limit
 * or a crash resumes where it was. Throws GithubRateLimitedError/GithubNotFoundError for the job.
 */
export async function backfillRepository(options: BackfillOptions): Promise<BackfillOutcome> {
  const { knex, client, repositoryId, log } = options;
  const repository = await getRepository(knex, repositoryId);
  if (!repository || repository.deletedAt) return "skipped";
  const progress = await getSyncProgress(knex, repositoryId);
  // Done or failed since this run was queued (a duplicate job): nothing is asked of it.
  if (!progress || progress.status === "done" || progress.status === "failed") return "skipped";
  const resume = progress && (progress.status === "running" || progress.status === "rate_limited") && progress.phase;
  let phaseIndex = resume ? PHASES.indexOf(progress.phase!) : 0;
  let cursor = resume ? progress.cursor : null;
  const since = new Date(+options.now() - HEALTH_WINDOW_DAYS * 86_400_000);
  const target = { owner: repository.owner, name: repository.name };
  let current = { id: repository.id, fullName: repository.fullName };

  await updateSyncProgress(knex, repositoryId, {
    status: "running",
    phase: PHASES[phaseIndex]!,
    error: null,
    ...(resume ? {} : { startedAt: options.now(), finishedAt: null }),
  });

  const issuesPage = async (states: "OPEN" | "CLOSED", after: string | null): Promise<PageResult> => {
    const result = await runGraphql<{ repository: (GqlRepository & { issues: GqlIssueConnection }) | null }>(client, BACKFILL_ISSUES_QUERY, {
      ...target,
      cursor: after,
      since: states === "CLOSED" ? since.toISOString() : null,
      states: [states],
    });
    const repo = result.data.repository;
    if (!repo) throw new GithubNotFoundError(`repository ${repository.fullName} not found`);
    let applied = 0;
    await knex.transaction(async (trx) => {
      const snapshot = repositoryFromGraphql(repo);
      await upsertRepository(trx, snapshot, { installationId: repository.installationId, trackedVia: repository.trackedVia });
      current = { id: repository.id, fullName: snapshot.fullName };
      for (const node of repo.issues.nodes) if (await applyGraphqlIssue(trx, node, current)) applied += 1;
      await recordPage(trx, result.rateLimit?.cost, repo.issues.pageInfo, { issues: applied });
    });
    return { next: nextCursor(repo.issues.pageInfo), counts: { issues: applied } };
  };

  const pullRequestsPage = async (after: string | null): Promise<PageResult> => {
    const result = await runGraphql<{ repository: { pullRequests: { pageInfo: GqlPageInfo; nodes: GqlPullRequest[] } } | null }>(
      client,
      BACKFILL_PULL_REQUESTS_QUERY,
      { ...target, cursor: after },
    );
    const connection = result.data.repository?.pullRequests;
    if (!connection) throw new GithubNotFoundError(`repository ${repository.fullName} not found`);
    const contributions: number[] = [];
    let applied = 0;
    let reachedWindowStart = false;
    await knex.transaction(async (trx) => {
      for (const node of connection.nodes) {
        const pr = pullRequestFromGraphql(node, current);
        if (!pr) continue;
        // Newest first: past the window's start there is nothing more to learn.
        if (+pr.updatedAt < +since) {
          reachedWindowStart = true;
          break;
        }
        const { newContribution } = await applyPullRequest(trx, pr, "backfill");
        if (newContribution) contributions.push(pr.githubId);
        const responded = firstResponseFromTimeline(node.timelineItems.nodes, pr.authorLogin);
        if (responded) await recordPullRequestResponse(trx, { repositoryId: current.id, number: pr.number, createdAt: pr.createdAt }, responded);
        applied += 1;
      }
      await recordPage(trx, result.rateLimit?.cost, reachedWindowStart ? null : connection.pageInfo, { pullRequests: applied });
    });
    return { next: reachedWindowStart ? null : nextCursor(connection.pageInfo), counts: { pullRequests: applied }, contributions };
  };

  let commitPages = 0;
  const commitsPage = async (after: string | null): Promise<PageResult> => {
    type History = { pageInfo: GqlPageInfo; nodes: Array<{ oid: string; committedDate: string }> };
    const result = await runGraphql<{ repository: { defaultBranchRef: { target: { history?: History } | null } | null } | null }>(
      client,
      BACKFILL_COMMITS_QUERY,
      { ...target, cursor: after, since: since.toISOString() },
    );
    if (!result.data.repository) throw new GithubNotFoundError(`repository ${repository.fullName} not found`);
    const history = result.data.repository.defaultBranchRef?.target?.history;
    if (!history) return { next: null, counts: {} };
    commitPages += 1;
    const capped = commitPages >= (options.maxCommitPages ?? 30);
    let inserted = 0;
    await knex.transaction(async (trx) => {
      inserted = await insertCommits(trx, current.id, history.nodes.map((c) => ({ sha: c.oid, committedAt: new Date(c.committedDate) })));
      await recordPage(trx, result.rateLimit?.cost, capped ? null : history.pageInfo, { commits: inserted });
    });
    return { next: capped ? null : nextCursor(history.pageInfo), counts: { commits: inserted } };
  };

  async function recordPage(trx: Knex, cost: number | undefined, pageInfo: GqlPageInfo | null, counts: PageResult["counts"]) {
    await updateSyncProgress(trx, repositoryId, { cursor: pageInfo ? nextCursor(pageInfo) : null }, { ...counts, requests: 1, points: cost ?? 0 });
  }

  try {
    while (phaseIndex < PHASES.length) {
      const phase = PHASES[phaseIndex]!;
      let page: PageResult;
      if (phase === "open_issues") page = await issuesPage("OPEN", cursor);
      else if (phase === "closed_issues") page = await issuesPage("CLOSED", cursor);
      else if (phase === "pull_requests") page = await pullRequestsPage(cursor);
      else if (phase === "commits") page = await commitsPage(cursor);
      else {
        await computeRepositoryHealth(knex, repositoryId, options.now());
        page = { next: null, counts: {} };
      }
      for (const id of page.contributions ?? []) await options.onContribution?.(id);
      cursor = page.next;
      if (cursor === null) {
        phaseIndex += 1;
        await updateSyncProgress(knex, repositoryId, { phase: PHASES[phaseIndex] ?? "health", cursor: null });
      }
    }
  } catch (error) {
    const status = error instanceof GithubRateLimitedError ? "rate_limited" : error instanceof GithubNotFoundError ? "failed" : "running";
    await updateSyncProgress(knex, repositoryId, { status, error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  await updateSyncProgress(knex, repositoryId, { status: "done", finishedAt: options.now(), cursor: null, error: null });
  log.info({ repositoryId }, "backfill done");
  return "done";
}

const nextCursor = (pageInfo: GqlPageInfo) => (pageInfo.hasNextPage ? pageInfo.endCursor : null);
