import type { Knex } from "knex";
import type { CommentIntent } from "../signals/detect-comment-intent.js";
import type { CommentSnapshot } from "../snapshots/snapshot-types.js";

export interface IntentComment {
  id: number;
  authorLogin: string;
  intent: "claim" | "release";
  createdAt: Date;
}

/**
 * Records a comment's metadata and what it meant, unless a newer version is already stored.
 * A deleted comment (deletedAt) is kept as a tombstone; nothing undeletes it.
 */
export async function upsertComment(
  trx: Knex,
  comment: CommentSnapshot,
  intent: CommentIntent,
  deletedAt: Date | null = null,
): Promise<void> {
  const columns = {
    issue_id: comment.issueId,
    author_login: comment.authorLogin,
    author_association: comment.authorAssociation,
    author_is_bot: comment.authorIsBot,
    intent,
    github_created_at: comment.createdAt,
    github_updated_at: comment.updatedAt,
  };
  const insert = trx("issue_comments").insert({ id: comment.id, ...columns, deleted_at: deletedAt });
  if (deletedAt) {
    await insert.onConflict("id").merge({ deleted_at: trx.raw("coalesce(issue_comments.deleted_at, excluded.deleted_at)") });
    return;
  }
  await insert.onConflict("id").merge(Object.keys(columns)).where("issue_comments.github_updated_at", "<=", comment.updatedAt);
}

/** What a stored comment meant: undefined when we have never seen it. */
export async function previousIntent(trx: Knex, commentId: number): Promise<CommentIntent | undefined> {
  const row: { intent: CommentIntent } | undefined = await trx("issue_comments").where({ id: commentId }).first("intent");
  return row ? row.intent : undefined;
}

/** Live comments that claim or release the issue, oldest first. */
export async function listIntentComments(trx: Knex, issueId: number): Promise<IntentComment[]> {
  const rows: Array<{ id: number; author_login: string; intent: "claim" | "release"; github_created_at: Date }> = await trx("issue_comments")
    .where({ issue_id: issueId })
    .whereNotNull("intent")
    .whereNull("deleted_at")
    .orderBy("github_created_at")
    .select("id", "author_login", "intent", "github_created_at");
  return rows.map((r) => ({ id: Number(r.id), authorLogin: r.author_login, intent: r.intent, createdAt: r.github_created_at }));
}
