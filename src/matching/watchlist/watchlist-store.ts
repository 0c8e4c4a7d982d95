import type { Knex } from "knex";
import { z } from "zod";
import { HttpError } from "../../http/http-error.js";

export const watchSchema = z.union(
  [
    z.object({ issueId: z.number().int().positive() }).strict(),
    z.object({ repository: z.string().trim().regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/, "expected owner/name") }).strict(),
  ],
  { error: 'send { "issueId": 123 } or { "repository": "owner/name" }' },
);

export interface WatchlistItem {
  id: number;
  kind: "issue" | "repository";
  issue: { id: number; number: number; title: string; state: string } | null;
  repository: { id: number; fullName: string };
  createdAt: string;
}

const MAX_ITEMS = 500;

export async function listWatchlist(knex: Knex, userId: number): Promise<WatchlistItem[]> {
  const rows: Array<Record<string, unknown>> = await knex("watchlist_items as w")
    .leftJoin("issues as i", "i.id", "w.issue_id")
    .join("repositories as r", "r.id", knex.raw("coalesce(w.repository_id, i.repository_id)"))
    .where("w.user_id", userId)
    .orderBy([{ column: "w.created_at", order: "desc" }, { column: "w.id", order: "desc" }])
    .limit(MAX_ITEMS)
    .select("w.id", "w.issue_id", "w.created_at", "i.number", "i.title", "i.state", "r.id as repository_id", "r.full_name");
  return rows.map((row) => ({
    id: Number(row.id),
    kind: row.issue_id ? "issue" : "repository",
    issue: row.issue_id ? { id: Number(row.issue_id), number: Number(row.number), title: row.title as string, state: row.state as string } : null,
    repository: { id: Number(row.repository_id), fullName: row.full_name as string },
    createdAt: (row.created_at as Date).toISOString(),
  }));
}

/** Idempotent: watching something already watched returns the existing item. */
export async function addToWatchlist(knex: Knex, userId: number, input: z.infer<typeof watchSchema>): Promise<{ item: WatchlistItem; created: boolean }> {
  let target: { issue_id: number | null; repository_id: number | null };
  if ("issueId" in input) {
    const issue = await knex("issues").where({ id: input.issueId }).whereNull("deleted_at").first("id");
    if (!issue) throw new HttpError(404, "issue_not_found", `No issue ${input.issueId} in the index`);
    target = { issue_id: input.issueId, repository_id: null };
  } else {
    const repository = await knex("repositories").whereRaw("lower(full_name) = lower(?)", [input.repository]).whereNull("deleted_at").first("id");
    if (!repository) throw new HttpError(404, "repository_not_found", `No repository ${input.repository} in the index: track it first`);
    target = { issue_id: null, repository_id: Number(repository.id) };
  }
  const count = Number((await knex("watchlist_items").where({ user_id: userId }).count({ n: "*" }))[0]!.n);
  const existing = await knex("watchlist_items").where({ user_id: userId, ...target }).first("id");
  if (!existing && count >= MAX_ITEMS) throw new HttpError(409, "watchlist_full", `A watchlist holds at most ${MAX_ITEMS} items: remove some first`);
  const inserted = existing ? [] : await knex("watchlist_items").insert({ user_id: userId, ...target }).onConflict().ignore().returning("id");
  const id = Number(existing?.id ?? inserted[0]?.id ?? (await knex("watchlist_items").where({ user_id: userId, ...target }).first("id"))?.id);
  const item = (await listWatchlist(knex, userId)).find((i) => i.id === id);
  if (!item) throw new HttpError(409, "watchlist_conflict", "The item changed while it was being added: try again");
  return { item, created: inserted.length > 0 };
}

export async function removeFromWatchlist(knex: Knex, userId: number, itemId: number): Promise<boolean> {
  return (await knex("watchlist_items").where({ user_id: userId, id: itemId }).delete().returning("id")).length > 0;
}
