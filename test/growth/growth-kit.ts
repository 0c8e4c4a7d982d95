import nock from "nock";
import type { Db } from "../../src/db/types.js";
import type { GrowthDomain } from "../../src/growth/create-growth-domain.js";
import { recordContribution } from "../../src/portfolio/record-contribution.js";
import type { Queue } from "../../src/queue/types.js";
import { EXAMPLE_INSTALLATION_ID } from "../fixtures/github/derived-payloads.js";
import { waitFor, type TestApp } from "../helpers/test-app.js";

export const API = "https://api.github.com";

/** A repository the App is installed on, so enrichment reads it with the installation token. */
export async function seedInstalledRepo(db: Db, id: number, fullName: string): Promise<void> {
  const [owner, name] = fullName.split("/") as [string, string];
  await db.knex("repositories").insert({ id, owner, name, full_name: fullName, installation_id: EXAMPLE_INSTALLATION_ID, tracked_via: "installation" }).onConflict("id").ignore();
}

/** GitHub's installation token endpoint, for as many reads as the test makes. */
export function nockInstallationToken(): nock.Scope {
  return nock(API)
    .persist()
    .post(`/app/installations/${EXAMPLE_INSTALLATION_ID}/access_tokens`)
    .reply(201, { token: "ghs_growth_installation", expires_at: "2099-01-01T00:00:00Z" });
}

export interface FixturePr {
  repositoryId: number;
  repo: string;
  number: number;
  prId: number;
  author: { id: number; login: string };
  mergedAt: string;
  files: Array<{ filename: string; additions: number; deletions: number }>;
}

/** GitHub's answers for one pull request and its files, in the shapes the REST API returns. */
export function nockPullRequest(pr: FixturePr): nock.Scope {
  const additions = pr.files.reduce((s, f) => s + f.additions, 0);
  const deletions = pr.files.reduce((s, f) => s + f.deletions, 0);
  const [owner] = pr.repo.split("/");
  return nock(API)
    .get(`/repos/${pr.repo}/pulls/${pr.number}`)
    .reply(200, {
      id: pr.prId,
      number: pr.number,
      title: `Change ${pr.number} in ${pr.repo}`,
      html_url: `https://github.com/${pr.repo}/pull/${pr.number}`,
      merged: true,
      merged_at: pr.mergedAt,
      user: pr.author,
      additions,
      deletions,
      changed_files: pr.files.length,
      base: { repo: { id: pr.repositoryId, full_name: pr.repo, private: false, description: "A fixture repository", stargazers_count: 10, topics: [], owner: { login: owner } } },
    })
    .get(`/repos/${pr.repo}/pulls/${pr.number}/files`)
    .query({ per_page: "100", page: "1" })
    .reply(
      200,
      pr.files.map((f) => ({ ...f, changes: f.additions + f.deletions, status: "modified" })),
    );
}

/**
 * A merged PR through the portfolio's own path: stored as detected (author unknown to us, as a
 * webhook leaves it), enriched by the queued job against the faked GitHub, which then tells growth.
 */
export async function mergeThroughPortfolio(db: Db, queue: Queue, pr: FixturePr): Promise<number> {
  const github = nockPullRequest(pr);
  const { id } = await recordContribution(db.knex, queue, null, {
    githubPrId: pr.prId,
    authorGithubId: pr.author.id,
    authorLogin: pr.author.login,
    repositoryId: pr.repositoryId,
    repoFullName: pr.repo,
    prNumber: pr.number,
    title: `${pr.repo}#${pr.number}`,
    url: `https://github.com/${pr.repo}/pull/${pr.number}`,
    mergedAt: new Date(pr.mergedAt),
    isPrivate: false,
    source: "webhook",
  });
  await waitFor(async () => (await db.knex("contributions").where({ id }).first("enriched_at"))?.enriched_at, 15_000, `contribution ${id} enriched`);
  github.done();
  return id;
}

export const growthDomain = (app: TestApp) => app.illuminate.domains.find((d) => d.name === "growth") as GrowthDomain;

/** `count` files of `lines` lines each (80 % additions) under a folder, with one extension. */
export const files = (count: number, lines: number, ext: string, folder = "src") =>
  Array.from({ length: count }, (_, i) => ({ filename: `${folder}/file${i}.${ext}`, additions: Math.round(lines * 0.8), deletions: lines - Math.round(lines * 0.8) }));
