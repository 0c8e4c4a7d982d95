import type { Knex } from "knex";
import type { StoredDelivery } from "../../github/inbox/webhook-registry.js";

const NOTEWORTHY: Record<string, string[]> = {
  issues: ["opened", "closed", "reopened", "assigned", "unassigned", "labeled", "edited", "deleted", "transferred"],
  issue_comment: ["created"],
  pull_request: ["opened", "closed", "reopened"],
};

interface Target {
  issueId: number | null;
  repositoryId: number;
  summary: string;
}

function targetOf(delivery: StoredDelivery): Target | null {
  const payload = delivery.payload as {
    repository?: { id?: number; full_name?: string };
    issue?: { id?: number; number?: number; title?: string; pull_request?: unknown };
    pull_request?: { number?: number; title?: string; merged?: boolean };
    sender?: { login?: string };
    label?: { name?: string };
  };
  const repositoryId = payload.repository?.id;
  const repo = payload.repository?.full_name ?? "a repository";
  if (!repositoryId) return null;
  const by = payload.sender?.login ? ` by ${payload.sender.login}` : "";
  if (delivery.event === "pull_request") {
    const pr = payload.pull_request;
    const verb = delivery.action === "closed" && pr?.merged ? "merged" : delivery.action;
    return { issueId: null, repositoryId, summary: `Pull request ${repo}#${pr?.number ?? "?"} was ${verb}${by}: ${pr?.title ?? ""}`.trim() };
  }
  const issue = payload.issue;
  if (!issue?.id || issue.pull_request) return null;
  const ref = `${repo}#${issue.number ?? "?"}`;
  const what =
    delivery.event === "issue_comment"
      ? `New comment on ${ref}${by}`
      : delivery.action === "labeled"
        ? `${ref} was labelled "${payload.label?.name ?? ""}"${by}`
        : `${ref} was ${delivery.action}${by}`;
  return { issueId: issue.id, repositoryId, summary: `${what}: ${issue.title ?? ""}`.trim() };
}

/**
 * Turns a delivery about a watched issue or repository into one durable event per watcher, for the
 * notifications domain to pick up (rows with delivered_at null). The actor is not told about their
 * own action, and a replayed delivery records nothing twice.
 */
export async function recordWatchEvents(knex: Knex, delivery: StoredDelivery): Promise<number> {
  if (!NOTEWORTHY[delivery.event]?.includes(delivery.action ?? "")) return 0;
  const target = targetOf(delivery);
  if (!target) return 0;
  const sender = (delivery.payload as { sender?: { login?: string } }).sender?.login ?? "";
  const result = await knex.raw(
    `insert into watch_events (user_id, issue_id, repository_id, delivery_id, kind, summary, occurred_at)
     select distinct w.user_id, cast(:issueId as bigint), r.id, :deliveryId, :kind, :summary, cast(:occurredAt as timestamptz)
     from watchlist_items w
     join repositories r on r.id = :repositoryId
     join users u on u.id = w.user_id
     where (w.issue_id = cast(:issueId as bigint) or w.repository_id = :repositoryId) and lower(u.login) <> lower(:sender)
     on conflict (user_id, delivery_id) do nothing
     returning id`,
    {
      issueId: target.issueId,
      repositoryId: target.repositoryId,
      deliveryId: delivery.deliveryId,
      kind: `${delivery.event}.${delivery.action}`,
      summary: target.summary.slice(0, 500),
      occurredAt: delivery.receivedAt.toISOString(),
      sender,
    },
  );
  return (result.rows as unknown[]).length;
}

export interface WatchEvent {
  id: number;
  kind: string;
  summary: string;
  issueId: number | null;
  repositoryId: number;
  occurredAt: string;
}

/** The events recorded for a user, newest first: what the notifications domain will read. */
export async function listWatchEvents(knex: Knex, userId: number, limit = 50): Promise<WatchEvent[]> {
  const rows: Array<Record<string, unknown>> = await knex("watch_events").where({ user_id: userId }).orderBy("id", "desc").limit(limit);
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind as string,
    summary: r.summary as string,
    issueId: r.issue_id === null ? null : Number(r.issue_id),
    repositoryId: Number(r.repository_id),
    occurredAt: (r.occurred_at as Date).toISOString(),
  }));
}
