import type { Knex } from "knex";
import type { ContributionEvent } from "../issues/issues-service.js";
import { getRepository } from "../issues/issues-service.js";
import type { Queue } from "../queue/types.js";
import { markFirstInRepo, upsertContribution, type DetectedContribution } from "./contribution-store.js";
import { ENRICH_JOB } from "./enrich-contribution.js";

/** Stores a detected PR (once per PR whatever the path) and queues its enrichment the first time. */
export async function recordContribution(knex: Knex, queue: Queue, userId: number | null, detected: DetectedContribution): Promise<{ id: number; created: boolean }> {
  const result = await upsertContribution(knex, userId, detected);
  if (result.created) {
    await markFirstInRepo(knex, detected.authorGithubId, detected.repositoryId);
    await queue.add(ENRICH_JOB, { contributionId: result.id }, { jobId: `portfolio-enrich-${result.id}`, lane: "background" });
  }
  return result;
}

/**
 * The issues domain's merged-PR event, as a contribution. Delivery is at least once, and the upsert
 * on the PR id makes a second delivery a no-op. The title is a placeholder until enrichment; an
 * unknown repository counts as private so nothing shows publicly before we know better.
 */
export function createContributionListener(options: { knex: Knex; queue: Queue; webUrl: string }) {
  return async (event: ContributionEvent): Promise<void> => {
    const repository = await getRepository(options.knex, event.repositoryId);
    await recordContribution(options.knex, options.queue, null, {
      githubPrId: event.githubPrId,
      authorGithubId: event.authorGithubId,
      authorLogin: event.authorLogin,
      repositoryId: event.repositoryId,
      repoFullName: event.repoFullName,
      prNumber: event.prNumber,
      title: `${event.repoFullName}#${event.prNumber}`,
      url: `${options.webUrl}/${event.repoFullName}/pull/${event.prNumber}`,
      mergedAt: event.mergedAt,
      isPrivate: repository?.isPrivate ?? true,
      source: "webhook",
    });
  };
}
