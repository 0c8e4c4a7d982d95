import type { Knex } from "knex";
import { z } from "zod";
import { HttpError } from "../../http/http-error.js";

export const thumbsSchema = z
  .object({
    value: z.enum(["up", "down"], { error: 'value is "up" or "down"' }),
    reason: z.string().trim().max(500, "a reason has at most 500 characters").optional(),
  })
  .strict();

export interface FeedbackResult {
  issueId: number;
  value: "up" | "down";
  /** what the next feed request will do differently, in words */
  effect: string;
}

/** One vote per user and issue; voting again replaces the previous vote. */
export async function recordFeedback(knex: Knex, userId: number, issueId: number, input: z.infer<typeof thumbsSchema>): Promise<FeedbackResult> {
  const issue: { id: number; full_name: string; work_kind: string | null } | undefined = await knex("issues as i")
    .join("repositories as r", "r.id", "i.repository_id")
    .leftJoin("issue_features as f", "f.issue_id", "i.id")
    .where("i.id", issueId)
    .first("i.id", "r.full_name", "f.work_kind");
  if (!issue) throw new HttpError(404, "issue_not_found", `No issue ${issueId} in the index`);
  const value = input.value === "up" ? 1 : -1;
  await knex("feedback")
    .insert({ user_id: userId, issue_id: issueId, value, reason: input.reason ?? null })
    .onConflict(["user_id", "issue_id"])
    .merge({ value, reason: input.reason ?? null });
  const similar = issue.work_kind ? `issues from ${issue.full_name} and other ${issue.work_kind} issues` : `issues from ${issue.full_name}`;
  const effect =
    value < 0 ? `This issue is hidden from your feed, and ${similar} rank a little lower.` : `${similar.charAt(0).toUpperCase()}${similar.slice(1)} rank a little higher.`;
  return { issueId, value: input.value, effect };
}

export async function clearFeedback(knex: Knex, userId: number, issueId: number): Promise<boolean> {
  return (await knex("feedback").where({ user_id: userId, issue_id: issueId }).delete().returning("id")).length > 0;
}
