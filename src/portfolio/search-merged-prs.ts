import type { Knex } from "knex";
import type { ProbotOctokit } from "probot";
import type { Queue } from "../queue/types.js";
import { fetchPullRequest } from "./github-pull-requests.js";
import type { RateBudget } from "./rate-budget.js";
import { recordContribution } from "./record-contribution.js";

/** The search API returns at most 1,000 results (10 pages of 100). */
const MAX_PAGES = 10;

interface SearchItem {
  number: number;
  repository_url: string;
  pull_request?: { merged_at?: string | null };
}

export interface SearchOwner {
  userId: number;
  githubId: number;
  login: string;
}

/** The query: merged PRs by the user in repositories they do not own, merged since the last run. */
export function searchQuery(login: string, since: Date | null): string {
  const parts = ["is:pr", "is:merged", `author:${login}`, `-user:${login}`];
  if (since) parts.push(`merged:>=${since.toISOString().replace(/\.\d{3}Z$/, "Z")}`);
  return parts.join(" ");
}

const retryAfter = (headers: Record<string, unknown>): Date | null => {
  if (String(headers["x-ratelimit-remaining"]) !== "0") return null;
  const reset = Number(headers["x-ratelimit-reset"]);
  return Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : null;
};

/**
 * One user's daily search. Every search request waits for the shared budget; each hit is checked
 * against the PR itself (core API, not the search budget) for its id, merge and repository, and
 * stored like any other detection. PRs already stored are not fetched again.
 */
export async function searchMergedPullRequests(options: {
  knex: Knex;
  queue: Queue;
  octokit: ProbotOctokit;
  budget: RateBudget;
  owner: SearchOwner;
  since: Date | null;
}): Promise<{ searched: number; found: number; added: number }> {
  const { knex, queue, octokit, budget, owner } = options;
  const q = searchQuery(owner.login, options.since);
  let searched = 0;
  let found = 0;
  let added = 0;
  for (let page = 1; page <= MAX_PAGES; page++) {
    await budget.take();
    const response = await octokit.request("GET /search/issues", { q, per_page: 100, page, sort: "created", order: "asc" });
    searched += 1;
    const pause = retryAfter(response.headers as Record<string, unknown>);
    if (pause) budget.pauseUntil(pause);
    const items = response.data.items as unknown as SearchItem[];
    for (const item of items) {
      if (!item.pull_request?.merged_at) continue;
      const [owner_, repo] = item.repository_url.split("/").slice(-2) as [string, string];
      if (owner_.toLowerCase() === owner.login.toLowerCase()) continue;
      found += 1;
      const known = await knex("contributions").whereRaw("lower(repo_full_name) = ?", [`${owner_}/${repo}`.toLowerCase()]).where({ pr_number: item.number }).first("id");
      if (known) continue;
      const pr = await fetchPullRequest(octokit, owner_, repo, item.number);
      if (!pr.merged || !pr.mergedAt || pr.authorGithubId !== owner.githubId) continue;
      const result = await recordContribution(knex, queue, owner.userId, {
        githubPrId: pr.githubPrId,
        authorGithubId: owner.githubId,
        authorLogin: pr.authorLogin ?? owner.login,
        repositoryId: pr.repositoryId,
        repoFullName: pr.repoFullName,
        prNumber: item.number,
        title: pr.title,
        url: pr.url,
        mergedAt: pr.mergedAt,
        isPrivate: pr.isPrivate,
        source: "search",
      });
      if (result.created) added += 1;
    }
    if (items.length < 100) break;
  }
  return { searched, found, added };
}
