import type { Knex } from "knex";

export type SignalKind = "assignee" | "claim" | "linked_pr" | "release";

export interface IssueSignal {
  kind: SignalKind;
  actorLogin: string;
  active: boolean;
  observedAt: Date;
  releasedAt: Date | null;
  commentId: number | null;
  prNumber: number | null;
}

/** Competition on an issue, oldest first: assignees, claims, linked pull requests, releases. */
export async function listIssueSignals(knex: Knex, issueId: number, options: { activeOnly?: boolean } = {}): Promise<IssueSignal[]> {
  const rows: Array<Record<string, unknown>> = await knex("issue_signals")
    .where({ issue_id: issueId })
    .modify((q) => {
      if (options.activeOnly) q.where({ active: true });
    })
    .orderBy([{ column: "observed_at" }, { column: "id" }])
    .select("kind", "actor_login", "active", "observed_at", "released_at", "comment_id", "pr_number");
  return rows.map((r) => ({
    kind: r.kind as SignalKind,
    actorLogin: r.actor_login as string,
    active: r.active as boolean,
    observedAt: r.observed_at as Date,
    releasedAt: (r.released_at as Date | null) ?? null,
    commentId: r.comment_id === null ? null : Number(r.comment_id),
    prNumber: (r.pr_number as number | null) ?? null,
  }));
}

export interface IssueAvailability {
  issueId: number;
  /** open, not deleted, and nobody is on it */
  available: boolean;
  /** someone is assigned, has claimed it, or has an open (or merged) pull request linked to it */
  taken: boolean;
  state: "open" | "closed";
  takenBy: Array<{ kind: "assignee" | "claim" | "linked_pr"; login: string; since: Date; prNumber: number | null }>;
}

export async function getIssueAvailability(knex: Knex, issueId: number): Promise<IssueAvailability | null> {
  const issue: { state: "open" | "closed"; deleted_at: Date | null } | undefined = await knex("issues")
    .where({ id: issueId })
    .first("state", "deleted_at");
  if (!issue) return null;
  const takenBy = (await listIssueSignals(knex, issueId, { activeOnly: true }))
    .filter((s) => s.kind !== "release")
    .map((s) => ({ kind: s.kind as "assignee" | "claim" | "linked_pr", login: s.actorLogin, since: s.observedAt, prNumber: s.prNumber }));
  const taken = takenBy.length > 0;
  return { issueId, state: issue.state, taken, available: issue.state === "open" && !issue.deleted_at && !taken, takenBy };
}

export async function isIssueTaken(knex: Knex, issueId: number): Promise<boolean> {
  const row = await knex("issue_signals").where({ issue_id: issueId, active: true }).whereNot({ kind: "release" }).first("id");
  return Boolean(row);
}
