import { createHash, randomBytes } from "node:crypto";
import { isIP } from "node:net";
import type { Knex } from "knex";

/** A sign-in lasts at most this long, however often it is refreshed. */
export const SESSION_ABSOLUTE_TTL_MS = 30 * 24 * 3600_000;
/** An unused refresh token dies after this long (a sign-in left idle ends sooner than the absolute limit). */
export const REFRESH_TOKEN_IDLE_TTL_MS = 14 * 24 * 3600_000;
/**
 * Two tabs refreshing at the same moment present the same token twice within milliseconds. Inside
 * this window the second one gets a new access token but no new refresh token (the first answer
 * already set it); after it, a retired token is treated as stolen and the whole family is revoked.
 */
export const REUSE_GRACE_MS = 15_000;

export type RevokeReason = "logout" | "reuse" | "logout_everywhere" | "expired" | "admin" | "github_revoked";

export interface ClientInfo {
  userAgent?: string;
  ip?: string;
}

export interface IssuedSession {
  familyId: number;
  refreshToken: string;
  expiresAt: Date;
}

export type RotationResult =
  | { ok: true; userId: number; familyId: number; expiresAt: Date; refreshToken: string | null }
  | { ok: false; reason: "unknown" | "expired" | "revoked" | "reused"; userId?: number; familyId?: number };

export const hashRefreshToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
const newRefreshToken = () => randomBytes(32).toString("base64url");

function clientColumns(client: ClientInfo) {
  const ip = client.ip?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  return { user_agent: client.userAgent?.slice(0, 300) ?? null, ip: ip && isIP(ip) ? ip : null };
}

async function insertToken(trx: Knex, userId: number, familyId: number, familyExpiresAt: Date, client: ClientInfo, now: Date) {
  const token = newRefreshToken();
  const expiresAt = new Date(Math.min(familyExpiresAt.getTime(), now.getTime() + REFRESH_TOKEN_IDLE_TTL_MS));
  await trx("refresh_tokens").insert({
    family_id: familyId,
    user_id: userId,
    token_hash: hashRefreshToken(token),
    expires_at: expiresAt,
    created_at: now,
    ...clientColumns(client),
  });
  return token;
}

/** Starts a family (one sign-in) with its first refresh token. Only the token's hash is stored. */
export async function createSessionFamily(knex: Knex, userId: number, client: ClientInfo, now: Date): Promise<IssuedSession> {
  return knex.transaction(async (trx) => {
    const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_TTL_MS);
    const [family] = await trx("refresh_token_families").insert({ user_id: userId, expires_at: expiresAt, created_at: now }).returning("id");
    const familyId = Number((family as { id: number }).id);
    const refreshToken = await insertToken(trx, userId, familyId, expiresAt, client, now);
    return { familyId, refreshToken, expiresAt };
  });
}

interface TokenWithFamily {
  id: number;
  family_id: number;
  user_id: number;
  expires_at: Date;
  retired_at: Date | null;
  revoked_at: Date | null;
  family_expires_at: Date;
  family_revoked_at: Date | null;
}

/**
 * Trades a refresh token for its successor. A token that was already traded (outside the grace
 * window) proves that two parties hold it, so the whole family is revoked and both are signed out.
 */
export async function rotateRefreshToken(knex: Knex, token: string, client: ClientInfo, now: Date): Promise<RotationResult> {
  return knex.transaction(async (trx) => {
    const row: TokenWithFamily | undefined = await trx("refresh_tokens as t")
      .join("refresh_token_families as f", "f.id", "t.family_id")
      .where("t.token_hash", hashRefreshToken(token))
      .first(
        "t.id",
        "t.family_id",
        "t.user_id",
        "t.expires_at",
        "t.retired_at",
        "t.revoked_at",
        "f.expires_at as family_expires_at",
        "f.revoked_at as family_revoked_at",
      );
    if (!row) return { ok: false, reason: "unknown" };
    const ids = { userId: Number(row.user_id), familyId: Number(row.family_id) };
    if (row.family_revoked_at || row.revoked_at) return { ok: false, reason: "revoked", ...ids };
    if (row.family_expires_at <= now || row.expires_at <= now) return { ok: false, reason: "expired", ...ids };

    // Conditional, so two concurrent rotations of one token cannot both win.
    const retired = row.retired_at
      ? 0
      : await trx("refresh_tokens").where({ id: row.id }).whereNull("retired_at").update({ retired_at: now, last_used_at: now });
    if (retired === 0) {
      const retiredAt = row.retired_at ?? now;
      if (now.getTime() - retiredAt.getTime() <= REUSE_GRACE_MS) {
        return { ok: true, ...ids, expiresAt: row.family_expires_at, refreshToken: null };
      }
      await revokeFamilies(trx, { familyId: ids.familyId }, "reuse", now);
      return { ok: false, reason: "reused", ...ids };
    }
    const refreshToken = await insertToken(trx, ids.userId, ids.familyId, row.family_expires_at, client, now);
    return { ok: true, ...ids, expiresAt: row.family_expires_at, refreshToken };
  });
}

/** Revokes one family (or every family of a user) and all its tokens. Returns how many families it ended. */
export async function revokeFamilies(
  knex: Knex,
  target: { familyId: number; userId?: number } | { userId: number },
  reason: RevokeReason,
  now: Date,
): Promise<number> {
  const families = knex("refresh_token_families").whereNull("revoked_at");
  if ("familyId" in target) families.where({ id: target.familyId });
  if (target.userId !== undefined) families.where({ user_id: target.userId });
  const revoked: Array<{ id: number }> = await families.update({ revoked_at: now, revoked_reason: reason }).returning("id");
  if (revoked.length > 0) {
    await knex("refresh_tokens")
      .whereIn("family_id", revoked.map((f) => f.id))
      .whereNull("revoked_at")
      .update({ revoked_at: now });
  }
  return revoked.length;
}

/** True while the sign-in behind an access token is neither revoked nor expired and its user exists. */
export async function isSessionActive(knex: Knex, familyId: number, userId: number, now: Date): Promise<boolean> {
  const row = await knex("refresh_token_families as f")
    .join("users as u", "u.id", "f.user_id")
    .where({ "f.id": familyId, "f.user_id": userId })
    .whereNull("f.revoked_at")
    .whereNull("u.deleted_at")
    .where("f.expires_at", ">", now)
    .first("f.id");
  return Boolean(row);
}

export interface SessionSummary {
  id: number;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
}

/** The user's live sign-ins, newest activity first, described by the most recent token of each. */
export async function listSessions(knex: Knex, userId: number, now: Date): Promise<SessionSummary[]> {
  const rows: Array<{ id: number; created_at: Date; expires_at: Date; last_used_at: Date | null; user_agent: string | null; ip: string | null }> =
    await knex("refresh_token_families as f")
      .joinRaw(
        `join lateral (select t.user_agent, t.ip::text as ip, t.created_at as last_used_at
                         from refresh_tokens t where t.family_id = f.id order by t.id desc limit 1) latest on true`,
      )
      .where({ "f.user_id": userId })
      .whereNull("f.revoked_at")
      .where("f.expires_at", ">", now)
      .orderBy("latest.last_used_at", "desc")
      .select("f.id", "f.created_at", "f.expires_at", "latest.last_used_at", "latest.user_agent", "latest.ip");
  return rows.map((r) => ({
    id: Number(r.id),
    createdAt: r.created_at.toISOString(),
    lastUsedAt: (r.last_used_at ?? r.created_at).toISOString(),
    expiresAt: r.expires_at.toISOString(),
    userAgent: r.user_agent,
    ip: r.ip,
  }));
}

/** Removes what can never be used again; run daily. */
export async function pruneSessions(knex: Knex, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - 7 * 24 * 3600_000);
  return knex("refresh_token_families")
    .where("expires_at", "<", cutoff)
    .orWhere("revoked_at", "<", cutoff)
    .delete();
}
