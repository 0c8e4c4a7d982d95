import type { Knex } from "knex";
import type { TokenVault } from "./token-vault.js";

/** A user's GitHub credentials in the clear: only ever in memory, never logged or returned. */
export interface GithubTokens {
  accessToken: string;
  accessExpiresAt: Date | null;
  refreshToken: string | null;
  refreshExpiresAt: Date | null;
}

interface TokenRow {
  user_id: number;
  kind: "access" | "refresh";
  ciphertext: Buffer;
  nonce: Buffer;
  auth_tag: Buffer;
  key_id: string;
  expires_at: Date | null;
}

function toRow(vault: TokenVault, userId: number, kind: "access" | "refresh", token: string, expiresAt: Date | null) {
  const sealed = vault.seal(token, { userId, kind });
  return {
    user_id: userId,
    kind,
    ciphertext: sealed.ciphertext,
    nonce: sealed.nonce,
    auth_tag: sealed.authTag,
    key_id: sealed.keyId,
    expires_at: expiresAt,
  };
}

/** Replaces the user's stored GitHub tokens (encrypted). A token set without refresh token removes the old one. */
export async function saveGithubTokens(knex: Knex, vault: TokenVault, userId: number, tokens: GithubTokens): Promise<void> {
  const rows = [toRow(vault, userId, "access", tokens.accessToken, tokens.accessExpiresAt)];
  if (tokens.refreshToken) rows.push(toRow(vault, userId, "refresh", tokens.refreshToken, tokens.refreshExpiresAt));
  await knex("user_tokens")
    .insert(rows)
    .onConflict(["user_id", "kind"])
    .merge(["ciphertext", "nonce", "auth_tag", "key_id", "expires_at"]);
  if (!tokens.refreshToken) await knex("user_tokens").where({ user_id: userId, kind: "refresh" }).delete();
}

/** The user's GitHub tokens, decrypted; null when none are stored. Throws TokenDecryptionError on tampering. */
export async function readGithubTokens(
  knex: Knex,
  vault: TokenVault,
  userId: number,
  options: { forUpdate?: boolean } = {},
): Promise<GithubTokens | null> {
  const query = knex<TokenRow>("user_tokens").where({ user_id: userId }).select("*");
  const rows: TokenRow[] = options.forUpdate ? await query.forUpdate() : await query;
  const access = rows.find((r) => r.kind === "access");
  if (!access) return null;
  const refresh = rows.find((r) => r.kind === "refresh");
  const open = (row: TokenRow) =>
    vault.open({ ciphertext: row.ciphertext, nonce: row.nonce, authTag: row.auth_tag, keyId: row.key_id }, { userId, kind: row.kind });
  return {
    accessToken: open(access),
    accessExpiresAt: access.expires_at,
    refreshToken: refresh ? open(refresh) : null,
    refreshExpiresAt: refresh?.expires_at ?? null,
  };
}

export async function deleteGithubTokens(knex: Knex, userId: number): Promise<void> {
  await knex("user_tokens").where({ user_id: userId }).delete();
}
