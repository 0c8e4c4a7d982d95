import type { DomainContext } from "../domain.js";
import { feedQuerySchema, type FeedQuery } from "./feed-filters.js";
import { buildFeedProfile } from "./feed/build-profile.js";
import { getFeed, type FeedPage } from "./feed/get-feed.js";
import { createSignedCursor } from "./signed-cursor.js";

export type { FeedItem, FeedPage } from "./feed/get-feed.js";

/** An indexed issue a merged pull request closed, with what matching knows of it. */
export interface SolvedIssue {
  issueId: number;
  difficulty: "beginner" | "intermediate" | "advanced";
  workKind: string | null;
}

/** What other domains may ask of matching: the personalised feed and the facts of issues a PR solved. */
export interface MatchingService {
  /**
   * One page of the user's feed, with the same filters as GET /api/issues/feed. Taken, claimed and
   * not-ready issues are never in it.
   */
  feed(userId: number, query?: Partial<Omit<FeedQuery, "cursor">>): Promise<FeedPage>;
  /**
   * Indexed issues each pull request closes (by its closing keywords) that have derived features,
   * keyed `<repositoryId>#<prNumber>`; pull requests that close none are absent. One query for all.
   */
  solvedIssues(pullRequests: Array<{ repositoryId: number; prNumber: number }>): Promise<Map<string, SolvedIssue[]>>;
}

export function createMatchingService(context: DomainContext): MatchingService {
  const { db, config } = context;
  const deps = { weights: config.feedWeights, cursors: createSignedCursor(config.sessionSecret), webUrl: config.github.webUrl, now: context.now };
  return {
    async feed(userId, query = {}) {
      const parsed = feedQuerySchema.parse(query);
      return getFeed(db.knex, deps, await buildFeedProfile(db, userId), parsed);
    },
    async solvedIssues(pullRequests) {
      const solved = new Map<string, SolvedIssue[]>();
      if (pullRequests.length === 0) return solved;
      const result = await db.knex.raw(
        `select p.repository_id, p.number as pr_number, i.id, f.difficulty, f.work_kind
         from jsonb_to_recordset(cast(? as jsonb)) as wanted(repository_id bigint, number int)
         join pull_requests p on p.repository_id = wanted.repository_id and p.number = wanted.number
         cross join lateral jsonb_to_recordset(p.closing_refs) as ref(repo text, number int)
         join repositories r on lower(r.full_name) = ref.repo
         join issues i on i.repository_id = r.id and i.number = ref.number
         join issue_features f on f.issue_id = i.id
         order by i.id`,
        [JSON.stringify(pullRequests.map((pr) => ({ repository_id: pr.repositoryId, number: pr.prNumber })))],
      );
      for (const r of result.rows as Array<{ repository_id: number; pr_number: number; id: number; difficulty: SolvedIssue["difficulty"]; work_kind: string | null }>) {
        const key = `${Number(r.repository_id)}#${Number(r.pr_number)}`;
        solved.set(key, [...(solved.get(key) ?? []), { issueId: Number(r.id), difficulty: r.difficulty, workKind: r.work_kind }]);
      }
      return solved;
    },
  };
}
