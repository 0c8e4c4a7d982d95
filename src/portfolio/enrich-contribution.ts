import type { Knex } from "knex";
import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import type { GithubClients } from "../github/create-github-clients.js";
import { getRepository } from "../issues/issues-service.js";
import { PermanentJobError } from "../queue/errors.js";
import type { Job } from "../queue/types.js";
import { getContribution, markFirstInRepo, saveEnrichment } from "./contribution-store.js";
import { languagesOfFiles } from "./detect-language.js";
import { fetchPullRequest, fetchPullRequestFiles } from "./github-pull-requests.js";
import { skillTagsFor } from "./skill-tags.js";

export const ENRICH_JOB = "portfolio.enrich";

/** A contribution whose size, languages and skills are now known. */
export interface EnrichedContribution {
  contributionId: number;
  authorGithubId: number;
  /** null until the author signs in (webhook detections do not know our users) */
  userId: number | null;
}

/** Must be idempotent: a retried enrichment job calls listeners again. */
export type ContributionEnrichedListener = (event: EnrichedContribution) => Promise<void>;

export interface EnrichDeps {
  knex: Knex;
  /** called in order after each enrichment is saved; a listener that throws fails the job, which retries */
  listeners?: ContributionEnrichedListener[];
  github: GithubClients;
  getUserToken: (userId: number) => Promise<string>;
  log: Logger;
  now: () => Date;
}

/**
 * Which client can read the PR: the App's installation for installed repositories, else the
 * author's own token (they can see their PRs, private ones too), else the crawler token.
 */
async function clientFor(deps: EnrichDeps, repositoryId: number, userId: number | null): Promise<ProbotOctokit | null> {
  const repository = await getRepository(deps.knex, repositoryId);
  // Without the App's credentials (setup mode, sample data) an installation cannot be read from.
  if (repository?.installationId && deps.github.probot) return deps.github.forInstallation(repository.installationId);
  if (userId !== null) return deps.github.forUser(await deps.getUserToken(userId));
  return deps.github.forCrawler();
}

const statusOf = (error: unknown) => (typeof error === "object" && error !== null && "status" in error ? Number((error as { status: unknown }).status) : 0);

/** Size, languages, skills and repository facts of one stored contribution. Idempotent. */
export function createEnrichJob(deps: EnrichDeps) {
  return async (job: Job<{ contributionId: number }>): Promise<void> => {
    const contribution = await getContribution(deps.knex, job.data.contributionId);
    if (!contribution) return;
    const [owner, repo] = contribution.repoFullName.split("/") as [string, string];
    const octokit = await clientFor(deps, contribution.repositoryId, contribution.userId);
    if (!octokit) {
      // Not a failure to retry: nothing could ever read it. The contribution stays as recorded
      // (title from the repository and number, no size or languages).
      deps.log.info({ contributionId: contribution.id, repositoryId: contribution.repositoryId }, "contribution left unenriched: no GitHub client can read its repository");
      return;
    }
    let pr;
    let files;
    try {
      pr = await fetchPullRequest(octokit, owner, repo, contribution.prNumber);
      files = await fetchPullRequestFiles(octokit, owner, repo, contribution.prNumber);
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || status === 410 || status === 451) {
        throw new PermanentJobError(`pull request ${contribution.repoFullName}#${contribution.prNumber} is gone (${status})`, { cause: error });
      }
      throw error;
    }
    const languages = languagesOfFiles(files);
    await saveEnrichment(
      deps.knex,
      contribution.id,
      {
        title: pr.title,
        additions: pr.additions,
        deletions: pr.deletions,
        changedFiles: pr.changedFiles,
        languages,
        skillTags: skillTagsFor(languages, files.map((f) => f.filename)),
        isPrivate: pr.isPrivate,
        repoDescription: pr.repoDescription,
        repoStars: pr.repoStars,
        repoTopics: pr.repoTopics.slice(0, 20),
      },
      deps.now(),
    );
    await markFirstInRepo(deps.knex, contribution.authorGithubId, contribution.repositoryId);
    const event = { contributionId: contribution.id, authorGithubId: contribution.authorGithubId, userId: contribution.userId };
    for (const listener of deps.listeners ?? []) await listener(event);
  };
}
