import type { Knex } from "knex";
import { listIntentComments } from "../store/comment-store.js";

interface SignalRow {
  id: number;
  kind: "claim" | "release";
  source_key: string;
  actor_login: string;
  comment_id: number | null;
  active: boolean;
  observed_at: Date;
  released_at: Date | null;
}

const commentKey = (commentId: number) => `comment-${commentId}`;

/**
 * Rebuilds the issue's claim and release signals from its comment history and unassignments.
 * A claim is active until the same person releases it later (a release comment or being
 * unassigned). Derived from the whole history, so the order deliveries arrive in never matters.
 */
export async function syncClaimSignals(trx: Knex, issueId: number): Promise<void> {
  const comments = await listIntentComments(trx, issueId);
  const wanted = new Map(comments.map((c) => [`${c.intent}:${commentKey(c.id)}`, c]));

  const rows: SignalRow[] = await trx("issue_signals")
    .where({ issue_id: issueId })
    .whereIn("kind", ["claim", "release"])
    .select("id", "kind", "source_key", "actor_login", "comment_id", "active", "observed_at", "released_at");
  // A comment deleted, or edited into something else, no longer claims or releases anything.
  const stale = rows.filter((r) => r.comment_id !== null && !wanted.has(`${r.kind}:${r.source_key}`)).map((r) => r.id);
  if (stale.length > 0) await trx("issue_signals").whereIn("id", stale).delete();

  for (const comment of comments) {
    await trx("issue_signals")
      .insert({
        issue_id: issueId,
        kind: comment.intent,
        source_key: commentKey(comment.id),
        actor_login: comment.authorLogin,
        comment_id: comment.id,
        active: comment.intent === "claim",
        observed_at: comment.createdAt,
      })
      .onConflict(["issue_id", "kind", "source_key"])
      .ignore();
  }

  const current: SignalRow[] = await trx("issue_signals")
    .where({ issue_id: issueId })
    .whereIn("kind", ["claim", "release"])
    .select("id", "kind", "source_key", "actor_login", "comment_id", "active", "observed_at", "released_at");
  const releases = current.filter((r) => r.kind === "release");
  for (const claim of current.filter((r) => r.kind === "claim")) {
    const releasedAt =
      releases
        .filter((r) => r.actor_login.toLowerCase() === claim.actor_login.toLowerCase() && +r.observed_at > +claim.observed_at)
        .map((r) => r.observed_at)
        .sort((a, b) => +a - +b)[0] ?? null;
    const active = releasedAt === null;
    if (active !== claim.active || +(releasedAt ?? 0) !== +(claim.released_at ?? 0)) {
      await trx("issue_signals").where({ id: claim.id }).update({ active, released_at: releasedAt });
    }
  }
}
