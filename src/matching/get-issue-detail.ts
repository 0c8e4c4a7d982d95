import type { Knex } from "knex";
import type { FeedWeights } from "../config.js";
import type { Db } from "../db/types.js";
import { HttpError } from "../http/http-error.js";
import { getIssue, getIssueAvailability, getLatestHealth, getRepository } from "../issues/issues-service.js";
import { buildFeedProfile } from "./feed/build-profile.js";
import { feedBindings, feedSql } from "./feed/feed-sql.js";
import { toFeedItem, type FeedItem } from "./feed/get-feed.js";

/** Everything the issue page shows: the issue, its repository and health, who is on it, its skills and, for a signed-in user, their score. */
export async function getIssueDetail(db: Db, deps: { weights: FeedWeights; webUrl: string; now: () => Date }, issueId: number, userId: number | null) {
  const knex: Knex = db.knex;
  const issue = await getIssue(knex, issueId);
  if (!issue || issue.deletedAt) throw new HttpError(404, "issue_not_found", `No issue ${issueId} in the index`);
  const [repository, health, availability, skills, features] = await Promise.all([
    getRepository(knex, issue.repositoryId),
    getLatestHealth(knex, issue.repositoryId),
    getIssueAvailability(knex, issueId),
    knex("issue_skills").where({ issue_id: issueId }).orderBy("weight", "desc").select("skill", "kind", "weight"),
    knex("issue_features").where({ issue_id: issueId }).first(),
  ]);
  if (!repository) throw new HttpError(404, "issue_not_found", `No issue ${issueId} in the index`);
  let score: FeedItem | null = null;
  let feedback: "up" | "down" | null = null;
  if (userId !== null) {
    const profile = await buildFeedProfile(db, userId);
    const now = deps.now();
    const result = await knex.raw(feedSql({}, false, true), feedBindings(profile, deps.weights, {}, now, 1, undefined, issueId));
    const row = (result.rows as Array<Record<string, unknown>>)[0];
    score = row ? toFeedItem(row, profile, deps.weights, now, deps.webUrl, now) : null;
    const vote = await knex("feedback").where({ user_id: userId, issue_id: issueId }).first("value");
    feedback = vote ? (vote.value > 0 ? "up" : "down") : null;
  }
  const notReady = Boolean(features?.not_ready);
  const hidden = !availability?.available || notReady || issue.isLocked || repository.isArchived;
  return {
    issue: {
      id: issue.id,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      labels: issue.labels,
      commentsCount: issue.commentsCount,
      isLocked: issue.isLocked,
      url: `${deps.webUrl}/${repository.fullName}/issues/${issue.number}`,
      createdAt: issue.githubCreatedAt.toISOString(),
      updatedAt: issue.githubUpdatedAt.toISOString(),
    },
    repository: { id: repository.id, fullName: repository.fullName, description: repository.description, language: repository.language, isArchived: repository.isArchived },
    health: health ? { score: health.score, components: health.components, computedAt: health.computedAt.toISOString() } : null,
    availability: {
      available: Boolean(availability?.available) && !notReady && !issue.isLocked && !repository.isArchived,
      taken: Boolean(availability?.taken),
      takenBy: availability?.takenBy.map((t) => ({ ...t, since: t.since.toISOString() })) ?? [],
      notReady,
      notReadyReason: (features?.not_ready_reason as string | null) ?? null,
      inFeed: !hidden,
    },
    skills: skills.map((s: { skill: string; kind: string; weight: number }) => ({ skill: s.skill, kind: s.kind, weight: Number(s.weight) })),
    difficulty: (features?.difficulty as string | undefined) ?? null,
    workKind: (features?.work_kind as string | null | undefined) ?? null,
    /** the signed-in user's breakdown; null when anonymous or when the issue is not in their feed (taken, not ready, turned down) */
    score: score ? { score: score.score, breakdown: score.breakdown, reason: score.reason } : null,
    feedback,
  };
}
