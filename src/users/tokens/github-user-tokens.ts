import type { Knex } from "knex";
import type { Logger } from "pino";
import { HttpError } from "../../http/http-error.js";
import { OAuthGrantError, type GithubOAuthClient } from "../oauth/github-oauth-client.js";
import { revokeFamilies } from "../session/refresh-tokens.js";
import { deleteGithubTokens, readGithubTokens, saveGithubTokens } from "./github-token-store.js";
import type { TokenVault } from "./token-vault.js";

/** Refresh this long before GitHub's 8-hour expiry, so a token handed out survives the call it is for. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** The user's GitHub authorization is gone (revoked, expired, or never stored): they have been signed out. */
export class GithubAuthorizationRevokedError extends HttpError {
  constructor(message = "Your GitHub authorization was revoked or expired: sign in again") {
    super(401, "github_authorization_revoked", message);
  }
}

export interface GithubUserTokens {
  /** A usable token for the user's GitHub calls, refreshed first if it is about to expire. */
  getUserToken(userId: number): Promise<string>;
  /** Called when GitHub answers 401 to the user's token: signs them out everywhere and forgets the tokens. */
  handleRevoked(userId: number, why: string): Promise<void>;
}

export function createGithubUserTokens(options: {
  knex: Knex;
  vault: TokenVault;
  oauth: GithubOAuthClient | null;
  log: Logger;
  now: () => Date;
}): GithubUserTokens {
  const { knex, vault, log, now } = options;
  const inFlight = new Map<number, Promise<string>>();

  async function handleRevoked(userId: number, why: string): Promise<void> {
    await knex.transaction(async (trx) => {
      await deleteGithubTokens(trx, userId);
      await revokeFamilies(trx, { userId }, "github_revoked", now());
    });
    log.warn({ userId, why }, "github authorization revoked; user signed out");
  }

  const needsRefresh = (expiresAt: Date | null) => expiresAt !== null && expiresAt.getTime() - now().getTime() < REFRESH_MARGIN_MS;

  // GitHub refresh tokens work once: the row lock makes every other process wait for this refresh
  // and then use its result instead of spending the same refresh token a second time.
  async function refresh(userId: number): Promise<string> {
    let revokedWhy: string | null = null;
    const token = await knex.transaction(async (trx) => {
      const tokens = await readGithubTokens(trx, vault, userId, { forUpdate: true });
      if (!tokens) {
        revokedWhy = "no token stored";
        return null;
      }
      if (!needsRefresh(tokens.accessExpiresAt)) return tokens.accessToken;
      if (!tokens.refreshToken || !options.oauth || (tokens.refreshExpiresAt && tokens.refreshExpiresAt <= now())) {
        revokedWhy = "token expired and cannot be refreshed";
        return null;
      }
      try {
        const grant = await options.oauth.refresh(tokens.refreshToken);
        await saveGithubTokens(trx, vault, userId, grant);
        log.info({ userId }, "github user token refreshed");
        return grant.accessToken;
      } catch (error) {
        if (error instanceof OAuthGrantError && error.code === "bad_refresh_token") {
          revokedWhy = error.code;
          return null;
        }
        throw error;
      }
    });
    if (token) return token;
    await handleRevoked(userId, revokedWhy ?? "unknown");
    throw new GithubAuthorizationRevokedError();
  }

  return {
    handleRevoked,
    async getUserToken(userId) {
      const tokens = await readGithubTokens(knex, vault, userId);
      if (!tokens) throw new GithubAuthorizationRevokedError("No GitHub authorization is stored for this user: sign in again");
      if (!needsRefresh(tokens.accessExpiresAt)) return tokens.accessToken;
      const pending = inFlight.get(userId) ?? refresh(userId).finally(() => inFlight.delete(userId));
      inFlight.set(userId, pending);
      return pending;
    },
  };
}
