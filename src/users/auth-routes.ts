import express, { Router, type Request, type Response } from "express";
import type { Knex } from "knex";
import type { Logger } from "pino";
import type { GithubClients } from "../github/create-github-clients.js";
import type { Queue } from "../queue/types.js";
import { OAuthGrantError, type GithubOAuthClient } from "./oauth/github-oauth-client.js";
import { newOAuthState, OAUTH_ATTEMPT_TTL_SECONDS, OAUTH_COOKIE, OAUTH_COOKIE_PATH, readOAuthAttempt, safeReturnTo, signOAuthAttempt } from "./oauth/oauth-state.js";
import { createPkcePair } from "./oauth/pkce.js";
import { sendAuthError } from "./oauth/send-auth-page.js";
import { InvalidAccessTokenError, verifyAccessToken } from "./session/access-token.js";
import { checkCsrf } from "./session/csrf.js";
import { issueSession } from "./session/issue-session.js";
import { createSessionFamily, hashRefreshToken, revokeFamilies, rotateRefreshToken } from "./session/refresh-tokens.js";
import { readCookie, type SessionCookies } from "./session/session-cookies.js";
import type { SessionKeys } from "./session/session-keys.js";
import { requestProfileAnalysis } from "./request-profile-analysis.js";
import { saveGithubTokens } from "./tokens/github-token-store.js";
import type { TokenVault } from "./tokens/token-vault.js";
import { upsertGithubUser, type GithubProfile } from "./user-store.js";

export interface AuthRoutesOptions {
  knex: Knex;
  queue: Queue;
  github: GithubClients;
  oauth: GithubOAuthClient | null;
  vault: TokenVault;
  keys: SessionKeys;
  cookies: SessionCookies;
  publicUrl: string;
  log: Logger;
  now: () => Date;
}

const refreshFailures = {
  unknown: { code: "invalid_refresh_token", message: "The refresh token is not valid: sign in again" },
  expired: { code: "session_expired", message: "Your session has ended: sign in again" },
  revoked: { code: "session_revoked", message: "This session was signed out: sign in again" },
  reused: { code: "refresh_token_reused", message: "This refresh token was already used, so the session was ended for your safety: sign in again" },
} as const;

/** /auth/github (sign-in with GitHub), its callback, /auth/refresh and /auth/logout. */
export function createAuthRoutes(options: AuthRoutesOptions): Router {
  const { knex, keys, cookies, publicUrl, log, now } = options;
  const router = Router();
  const secure = publicUrl.startsWith("https:");
  const allowedOrigin = new URL(publicUrl).origin;
  const redirectUri = `${publicUrl}/auth/github/callback`;
  const form = express.urlencoded({ extended: false, limit: "10kb" });
  const sessionDeps = () => ({ keys, cookies, issuer: publicUrl, now: now() });

  router.get("/auth/github", async (req, res) => {
    if (!options.oauth) {
      sendAuthError(req, res, 503, "sign_in_not_configured", "Sign-in with GitHub is not configured on this server: set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the GitHub App's OAuth client), then restart.");
      return;
    }
    const pkce = createPkcePair();
    const state = newOAuthState();
    const attempt = await signOAuthAttempt(keys.oauthState, { state, verifier: pkce.verifier, returnTo: safeReturnTo(req.query.returnTo) }, now());
    res.cookie(OAUTH_COOKIE, attempt, { httpOnly: true, secure, sameSite: "lax", path: OAUTH_COOKIE_PATH, maxAge: OAUTH_ATTEMPT_TTL_SECONDS * 1000 });
    res.setHeader("Cache-Control", "no-store");
    res.redirect(302, options.oauth.authorizeUrl({ redirectUri, state, codeChallenge: pkce.challenge }));
  });

  const callback = async (req: Request, res: Response) => {
    const params = (req.method === "POST" ? req.body : req.query) as Record<string, unknown>;
    const attempt = await readOAuthAttempt(keys.oauthState, readCookie(req, OAUTH_COOKIE), now());
    res.clearCookie(OAUTH_COOKIE, { httpOnly: true, secure, sameSite: "lax", path: OAUTH_COOKIE_PATH });
    if (!options.oauth) return sendAuthError(req, res, 503, "sign_in_not_configured", "Sign-in with GitHub is not configured on this server.");
    if (!attempt) {
      return sendAuthError(req, res, 400, "sign_in_expired", "This sign-in did not start in this browser, or took longer than 10 minutes. Nothing was changed.");
    }
    if (typeof params.state !== "string" || params.state !== attempt.state) {
      log.warn({ reqId: req.id }, "oauth callback with a mismatched state");
      return sendAuthError(req, res, 400, "state_mismatch", "The sign-in response does not belong to the sign-in this browser started. Nothing was changed.");
    }
    if (typeof params.error === "string") {
      res.redirect(303, `/signin?error=${encodeURIComponent(params.error.slice(0, 50))}`);
      return;
    }
    if (typeof params.code !== "string" || !/^[A-Za-z0-9_-]{1,100}$/.test(params.code)) {
      return sendAuthError(req, res, 400, "missing_code", "GitHub did not send a sign-in code.");
    }
    let grant;
    try {
      grant = await options.oauth.exchangeCode({ code: params.code, redirectUri, codeVerifier: attempt.verifier });
    } catch (error) {
      if (error instanceof OAuthGrantError) {
        log.warn({ reqId: req.id, code: error.code }, "oauth code refused");
        return sendAuthError(req, res, 400, "code_rejected", "GitHub refused the sign-in code: it was already used, has expired, or does not match this sign-in.");
      }
      log.error({ err: error, reqId: req.id }, "oauth code exchange failed");
      return sendAuthError(req, res, 502, "github_unavailable", "GitHub could not be reached to finish signing in. Please try again.");
    }
    let profile: GithubProfile;
    try {
      const { data } = await options.github.forUser(grant.accessToken).request("GET /user");
      profile = { id: Number(data.id), login: data.login, name: data.name ?? null, avatarUrl: data.avatar_url ?? null, email: data.email ?? null, bio: data.bio ?? null };
    } catch (error) {
      log.error({ reqId: req.id, status: (error as { status?: number }).status }, "reading the signed-in github user failed");
      return sendAuthError(req, res, 502, "github_unavailable", "GitHub did not tell us who you are. Please try again.");
    }
    const client = { userAgent: req.get("user-agent"), ip: req.ip };
    const { user, session } = await knex.transaction(async (trx) => {
      const { user } = await upsertGithubUser(trx, profile, now());
      await saveGithubTokens(trx, options.vault, user.id, grant);
      return { user, session: await createSessionFamily(trx, user.id, client, now()) };
    });
    if (user.profileAnalysis.status !== "done") await requestProfileAnalysis(options.queue, user.id, now(), log);
    await issueSession(res, sessionDeps(), { userId: user.id, login: user.login, ...session });
    log.info({ userId: user.id, sessionId: session.familyId }, "signed in");
    const onboarded = user.onboardingState !== "signed_in" && user.onboardingState !== "profile_analyzed";
    res.redirect(303, onboarded ? attempt.returnTo || "/feed" : "/onboarding");
  };
  router.get("/auth/github/callback", callback);
  router.post("/auth/github/callback", form, callback);

  const refresh = async (req: Request, res: Response) => {
    const isGet = req.method === "GET";
    const returnTo = safeReturnTo(req.query.returnTo, "/");
    const fail = (status: number, code: string, message: string) => {
      cookies.clear(res);
      if (isGet) res.redirect(303, `/signin?reason=${code}&returnTo=${encodeURIComponent(returnTo)}`);
      else res.status(status).json({ error: { code, message } });
    };
    const site = req.get("sec-fetch-site");
    const origin = req.get("origin");
    if (!isGet && ((site && site !== "same-origin" && site !== "none") || (origin && origin !== allowedOrigin))) {
      res.status(403).json({ error: { code: "csrf_failed", message: "A session can only be refreshed from this site" } });
      return;
    }
    const token = readCookie(req, cookies.names.refresh);
    if (!token) return fail(401, "unauthenticated", "There is no session to refresh: sign in");
    const result = await rotateRefreshToken(knex, token, { userAgent: req.get("user-agent"), ip: req.ip }, now());
    if (!result.ok) {
      if (result.reason === "reused") log.warn({ userId: result.userId, sessionId: result.familyId }, "refresh token reused; session family revoked");
      const failure = refreshFailures[result.reason];
      return fail(401, failure.code, failure.message);
    }
    const user: { login: string } | undefined = await knex("users").where({ id: result.userId }).whereNull("deleted_at").first("login");
    if (!user) return fail(401, "session_revoked", refreshFailures.revoked.message);
    await issueSession(res, sessionDeps(), { userId: result.userId, login: user.login, familyId: result.familyId, refreshToken: result.refreshToken, expiresAt: result.expiresAt });
    if (isGet) res.redirect(303, returnTo);
    else res.json({ sessionExpiresAt: result.expiresAt.toISOString() });
  };
  router.get("/auth/refresh", refresh);
  router.post("/auth/refresh", refresh);

  router.post("/auth/logout", form, async (req, res) => {
    let familyId: number | undefined;
    const access = readCookie(req, cookies.names.access);
    if (access) {
      try {
        familyId = (await verifyAccessToken(keys.accessToken, publicUrl, access, now())).sessionId;
      } catch (error) {
        if (!(error instanceof InvalidAccessTokenError)) throw error;
      }
    }
    const refreshToken = readCookie(req, cookies.names.refresh);
    if (familyId === undefined && refreshToken) {
      const row: { family_id: number } | undefined = await knex("refresh_tokens").where({ token_hash: hashRefreshToken(refreshToken) }).first("family_id");
      familyId = row ? Number(row.family_id) : undefined;
    }
    if (familyId !== undefined) {
      const refusal = checkCsrf(req, keys.csrf, familyId, allowedOrigin);
      if (refusal) return sendAuthError(req, res, 403, "csrf_failed", `Sign-out refused: ${refusal}`);
      await revokeFamilies(knex, { familyId }, "logout", now());
    }
    cookies.clear(res);
    if (req.is("application/x-www-form-urlencoded")) res.redirect(303, "/");
    else res.status(204).end();
  });

  return router;
}
