import type { Knex } from "knex";

export interface BotCommentRow {
  issueId: number;
  commentId: number | null;
  bodyHash: string;
  claimedAt: Date | null;
  deletedAt: Date | null;
}

const toRow = (r: Record<string, unknown>): BotCommentRow => ({
  issueId: Number(r.issue_id),
  commentId: r.comment_id === null ? null : Number(r.comment_id),
  bodyHash: r.body_hash as string,
  claimedAt: (r.claimed_at as Date | null) ?? null,
  deletedAt: (r.deleted_at as Date | null) ?? null,
});

export async function getBotComment(knex: Knex, issueId: number): Promise<BotCommentRow | null> {
  const row = await knex("bot_comments").where({ issue_id: issueId }).first();
  return row ? toRow(row) : null;
}

/**
 * Takes the right to post the issue's first comment: "fresh" for one caller only, "stale" for a
 * claim left behind (no comment id after `staleAfterMs`) by a worker that may have posted before
 * it died, null when someone else holds it.
 */
export async function claimBotComment(knex: Knex, issueId: number, staleAfterMs: number): Promise<"fresh" | "stale" | null> {
  const inserted = await knex("bot_comments").insert({ issue_id: issueId, comment_id: null, body_hash: "", claimed_at: knex.fn.now() }).onConflict("issue_id").ignore().returning("issue_id");
  if (inserted.length > 0) return "fresh";
  const taken = await knex("bot_comments")
    .where({ issue_id: issueId })
    .whereNull("comment_id")
    .whereNull("deleted_at")
    .where("claimed_at", "<", knex.raw("now() - make_interval(secs => ?)", [staleAfterMs / 1000]))
    .update({ claimed_at: knex.fn.now() });
  return taken > 0 ? "stale" : null;
}

export async function saveBotComment(knex: Knex, issueId: number, commentId: number, bodyHash: string): Promise<void> {
  await knex("bot_comments")
    .insert({ issue_id: issueId, comment_id: commentId, body_hash: bodyHash, posted_at: knex.fn.now() })
    .onConflict("issue_id")
    .merge({ comment_id: commentId, body_hash: bodyHash, updated_at: knex.fn.now() });
}

export async function releaseBotComment(knex: Knex, issueId: number): Promise<void> {
  await knex("bot_comments").where({ issue_id: issueId }).whereNull("comment_id").delete();
}

/** A maintainer deleted our comment: remember it, and never post on this issue again. */
export async function markBotCommentDeleted(knex: Knex, issueId: number): Promise<void> {
  await knex("bot_comments").where({ issue_id: issueId }).update({ deleted_at: knex.fn.now() });
}
