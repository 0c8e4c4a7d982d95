import type { Knex } from "knex";
import type { Kind } from "./kinds.js";

export interface NewNotification {
  kind: Kind;
  title: string;
  body?: string | null;
  url?: string | null;
  data?: Record<string, unknown>;
  /** at most one notification per user and key, however often the source repeats itself */
  dedupeKey: string;
}

export interface Notification {
  id: number;
  kind: Kind;
  title: string;
  body: string | null;
  url: string | null;
  data: Record<string, unknown>;
  read: boolean;
  readAt: string | null;
  createdAt: string;
}

type Row = Record<string, unknown>;

export const toNotification = (row: Row): Notification => ({
  id: Number(row.id),
  kind: row.kind as Kind,
  title: row.title as string,
  body: (row.body as string | null) ?? null,
  url: (row.url as string | null) ?? null,
  data: (row.data as Record<string, unknown>) ?? {},
  read: row.read_at !== null,
  readAt: row.read_at ? (row.read_at as Date).toISOString() : null,
  createdAt: (row.created_at as Date).toISOString(),
});

const clip = (text: string | null | undefined, max: number) => (text ? (text.length > max ? `${text.slice(0, max - 1)}…` : text) : null);

/** Inserts unless the user already has this dedupe key; true when a row was added. */
export async function insertNotification(knex: Knex, userId: number, n: NewNotification, options: { inApp: boolean; at: Date }): Promise<boolean> {
  const inserted = await knex("notifications")
    .insert({
      user_id: userId,
      kind: n.kind,
      title: clip(n.title, 300),
      body: clip(n.body, 2_000),
      url: clip(n.url, 2_000),
      data: JSON.stringify(n.data ?? {}),
      dedupe_key: n.dedupeKey.slice(0, 300),
      in_app: options.inApp,
      created_at: options.at,
    })
    .onConflict(["user_id", "dedupe_key"])
    .ignore()
    .returning("id");
  return inserted.length > 0;
}

export async function hasDedupeKeys(knex: Knex, userId: number, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows: Array<{ dedupe_key: string }> = await knex("notifications").where({ user_id: userId }).whereIn("dedupe_key", keys).select("dedupe_key");
  return new Set(rows.map((r) => r.dedupe_key));
}

/** Newest first; `before` is the id of the last row of the previous page. */
export async function listNotifications(knex: Knex, userId: number, options: { limit: number; before?: number; unreadOnly: boolean }): Promise<Notification[]> {
  const query = knex("notifications").where({ user_id: userId, in_app: true }).orderBy("id", "desc").limit(options.limit);
  if (options.before !== undefined) query.where("id", "<", options.before);
  if (options.unreadOnly) query.whereNull("read_at");
  return ((await query) as Row[]).map(toNotification);
}

export async function countUnread(knex: Knex, userId: number): Promise<number> {
  const [row] = await knex("notifications").where({ user_id: userId, in_app: true }).whereNull("read_at").count({ n: "*" });
  return Number(row?.n ?? 0);
}

/** Idempotent: a notification already read keeps its first read time. Null when it is not theirs. */
export async function markRead(knex: Knex, userId: number, id: number, at: Date): Promise<Notification | null> {
  await knex("notifications").where({ user_id: userId, id }).whereNull("read_at").update({ read_at: at });
  const row: Row | undefined = await knex("notifications").where({ user_id: userId, id, in_app: true }).first();
  return row ? toNotification(row) : null;
}

export async function markAllRead(knex: Knex, userId: number, at: Date): Promise<number> {
  return knex("notifications").where({ user_id: userId, in_app: true }).whereNull("read_at").update({ read_at: at });
}
