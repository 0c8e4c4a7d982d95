import type { Knex } from "knex";

/** A watch event not yet handed to the notifications domain, with what it needs to word it. */
export interface UndeliveredWatchEvent {
  id: number;
  userId: number;
  kind: string;
  summary: string;
  issueId: number | null;
  issueNumber: number | null;
  repositoryFullName: string;
  /** a comment or assignment after which the issue has an active claim or assignee */
  claimed: boolean;
  occurredAt: Date;
}

/** Oldest first, so a backlog drains in order; the consumer marks them delivered afterwards. */
export async function listUndeliveredWatchEvents(knex: Knex, limit = 500): Promise<UndeliveredWatchEvent[]> {
  const rows: Array<Record<string, unknown>> = await knex("watch_events as e")
    .join("repositories as r", "r.id", "e.repository_id")
    .leftJoin("issues as i", "i.id", "e.issue_id")
    .whereNull("e.delivered_at")
    .orderBy("e.id")
    .limit(limit)
    .select(
      "e.id",
      "e.user_id",
      "e.kind",
      "e.summary",
      "e.issue_id",
      "e.occurred_at",
      "i.number",
      "r.full_name",
      knex.raw(
        `e.kind in ('issue_comment.created', 'issues.assigned')
           and exists (select 1 from issue_signals s where s.issue_id = e.issue_id and s.active and s.kind in ('claim', 'assignee')) as claimed`,
      ),
    );
  return rows.map((r) => ({
    id: Number(r.id),
    userId: Number(r.user_id),
    kind: r.kind as string,
    summary: r.summary as string,
    issueId: r.issue_id === null ? null : Number(r.issue_id),
    issueNumber: r.number === null || r.number === undefined ? null : Number(r.number),
    repositoryFullName: r.full_name as string,
    claimed: Boolean(r.claimed),
    occurredAt: r.occurred_at as Date,
  }));
}

/** Idempotent. */
export async function markWatchEventsDelivered(knex: Knex, ids: number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await knex("watch_events").whereIn("id", ids).whereNull("delivered_at").update({ delivered_at: at });
}

/** Users watching the issue itself or its repository. */
export async function listIssueWatchers(knex: Knex, issueId: number): Promise<number[]> {
  const result = await knex.raw(
    `select distinct w.user_id from watchlist_items w
     where w.issue_id = :issueId or w.repository_id = (select i.repository_id from issues i where i.id = :issueId)`,
    { issueId },
  );
  const rows = result.rows as Array<{ user_id: unknown }>;
  return rows.map((r) => Number(r.user_id));
}
