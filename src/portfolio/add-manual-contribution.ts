import type { Knex } from "knex";
import type { GithubClients } from "../github/create-github-clients.js";
import { HttpError } from "../http/http-error.js";
import type { Queue } from "../queue/types.js";
import { fetchPullRequest } from "./github-pull-requests.js";
import type { PortfolioOwner } from "./portfolio-owners.js";
import { recordContribution } from "./record-contribution.js";

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** owner/repo/number from a pull request's web address on GitHub (or the configured GHE host). */
export function parsePullRequestUrl(input: string, webUrl: string): { owner: string; repo: string; number: number } {
  const refuse = (why: string) => new HttpError(400, "not_a_pull_request_url", `${why}: give a pull request's address, like ${webUrl}/owner/repo/pull/123`);
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw refuse("This is not a URL");
  }
  const expected = new URL(webUrl);
  if (url.protocol !== "https:" && url.protocol !== expected.protocol) throw refuse("Only http(s) addresses are accepted");
  if (url.host.toLowerCase() !== expected.host.toLowerCase()) throw refuse(`The address is not on ${expected.host}`);
  const parts = url.pathname.split("/").filter(Boolean);
  const [owner, repo, kind, number] = parts;
  if (!owner || !repo || (kind !== "pull" && kind !== "pulls") || !number || !NAME.test(owner) || !NAME.test(repo) || !/^[1-9]\d{0,9}$/.test(number)) {
    throw refuse("The address is not a pull request");
  }
  return { owner, repo, number: Number(number) };
}

const statusOf = (error: unknown) => (typeof error === "object" && error !== null && "status" in error ? Number((error as { status: unknown }).status) : 0);

/** A PR added by hand, checked on GitHub with the user's own token: it exists, is merged, and is theirs. */
export async function addManualContribution(options: {
  knex: Knex;
  queue: Queue;
  github: GithubClients;
  token: string;
  owner: PortfolioOwner;
  url: string;
}): Promise<{ id: number; created: boolean }> {
  const { owner: login, repo, number } = parsePullRequestUrl(options.url, options.github.webUrl);
  let pr;
  try {
    pr = await fetchPullRequest(options.github.forUser(options.token), login, repo, number);
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 410) throw new HttpError(404, "pull_request_not_found", `${login}/${repo}#${number} does not exist or you cannot see it`);
    if (status === 401) throw new HttpError(401, "github_unauthorized", "GitHub refused your token: sign in again");
    if (status === 403 || status === 429) throw new HttpError(503, "github_rate_limited", "GitHub is limiting requests right now: try again in a few minutes");
    throw new HttpError(502, "github_unavailable", "GitHub could not be reached to check this pull request: try again shortly");
  }
  if (!pr.merged || !pr.mergedAt) throw new HttpError(422, "not_merged", `${pr.repoFullName}#${number} is not merged: only merged pull requests count`);
  if (pr.authorGithubId !== options.owner.githubId) {
    throw new HttpError(422, "not_your_pull_request", `${pr.repoFullName}#${number} was opened by ${pr.authorLogin ?? "someone else"}, not by you`);
  }
  return recordContribution(options.knex, options.queue, options.owner.userId, {
    githubPrId: pr.githubPrId,
    authorGithubId: options.owner.githubId,
    authorLogin: pr.authorLogin ?? options.owner.login,
    repositoryId: pr.repositoryId,
    repoFullName: pr.repoFullName,
    prNumber: number,
    title: pr.title,
    url: pr.url,
    mergedAt: pr.mergedAt,
    isPrivate: pr.isPrivate,
    source: "manual",
  });
}
