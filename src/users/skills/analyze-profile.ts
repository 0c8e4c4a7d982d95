import type { Knex } from "knex";
import type { Logger } from "pino";
import type { GithubClients } from "../../github/create-github-clients.js";
import { PermanentJobError } from "../../queue/errors.js";
import type { Job } from "../../queue/types.js";
import { advanceOnboarding } from "../onboarding.js";
import { GithubAuthorizationRevokedError, type GithubUserTokens } from "../tokens/github-user-tokens.js";
import { getUser, setProfileAnalysis } from "../user-store.js";
import { collectContributedRepo, collectOwnedRepo, listContributedRepos, listOwnedRepos, type RepoSnapshot } from "./collect-repos.js";
import { mapLimit } from "./map-limit.js";
import { scoreSkills } from "./score-skills.js";
import type { SkillCatalog } from "./skill-catalog.js";
import { saveInferredSkills } from "./user-skills-store.js";

export const ANALYZE_PROFILE_JOB = "users.analyze-profile";

export interface AnalyzeProfileData {
  userId: number;
}

const statusOf = (error: unknown) => (typeof error === "object" && error !== null ? (error as { status?: number }).status : undefined);

/**
 * The skill profile job: reads the user's public repositories (and those they got pull requests
 * merged into), scores languages, frameworks and domains, stores them with their evidence, and
 * moves onboarding past "signed_in".
 */
export function createAnalyzeProfileJob(deps: {
  knex: Knex;
  github: GithubClients;
  tokens: GithubUserTokens;
  catalog: SkillCatalog;
  log: Logger;
  now: () => Date;
}) {
  const { knex, log, now } = deps;

  async function collect(userId: number, login: string): Promise<RepoSnapshot[]> {
    const octokit = deps.github.forUser(await deps.tokens.getUserToken(userId));
    const owned = await listOwnedRepos(octokit, login);
    const ownedNames = new Set(owned.map((r) => r.full_name.toLowerCase()));
    const contributed = await listContributedRepos(octokit, login, ownedNames).catch((error: unknown) => {
      // Search is a separate, stricter rate limit; a profile without contributions is still a profile.
      if (statusOf(error) === 401) throw error;
      log.warn({ userId, status: statusOf(error) }, "contributed repositories unavailable");
      return [];
    });
    const repoLog = log.child({ userId });
    return [
      ...(await mapLimit(owned, 4, (listing) => collectOwnedRepo(octokit, listing, repoLog))),
      ...(await mapLimit(contributed, 4, (c) => collectContributedRepo(octokit, c.fullName, c.mergedAt))),
    ];
  }

  return async (job: Job<AnalyzeProfileData>): Promise<void> => {
    const { userId } = job.data;
    const user = await getUser(knex, userId);
    if (!user) return; // deleted since the job was queued
    await setProfileAnalysis(knex, userId, "running");
    let repos: RepoSnapshot[];
    try {
      repos = await collect(userId, user.login);
    } catch (error) {
      if (error instanceof GithubAuthorizationRevokedError || statusOf(error) === 401) {
        if (!(error instanceof GithubAuthorizationRevokedError)) await deps.tokens.handleRevoked(userId, "github answered 401");
        await setProfileAnalysis(knex, userId, "failed", { error: "GitHub authorization revoked: sign in again" });
        throw new PermanentJobError("github authorization revoked", { cause: error });
      }
      const last = job.attempt >= job.maxAttempts;
      await setProfileAnalysis(knex, userId, last ? "failed" : "running", { error: last ? "GitHub could not be read; try again later" : undefined });
      throw error;
    }
    const skills = scoreSkills(repos, deps.catalog, now());
    await knex.transaction(async (trx) => {
      await saveInferredSkills(trx, userId, skills);
      await setProfileAnalysis(trx, userId, "done", { analyzedAt: now(), error: null });
      await advanceOnboarding(trx, userId, "profile_analyzed", now());
    });
    const skipped = repos.reduce((n, r) => n + r.skipped.length, 0);
    log.info({ userId, repos: repos.length, skills: skills.length, skippedFiles: skipped }, "skill profile analysed");
  };
}
