import type { Response } from "express";
import { signAccessToken } from "./access-token.js";
import { csrfTokenFor } from "./csrf.js";
import type { SessionCookies } from "./session-cookies.js";
import type { SessionKeys } from "./session-keys.js";

/** Puts a session on the response: a fresh access token, the refresh token when there is a new one, and the CSRF token. */
export async function issueSession(
  res: Response,
  deps: { keys: SessionKeys; cookies: SessionCookies; issuer: string; now: Date },
  session: { userId: number; login: string; familyId: number; refreshToken: string | null; expiresAt: Date },
): Promise<void> {
  const accessToken = await signAccessToken(
    deps.keys.accessToken,
    deps.issuer,
    { userId: session.userId, login: session.login, sessionId: session.familyId },
    deps.now,
  );
  deps.cookies.set(res, {
    accessToken,
    refreshToken: session.refreshToken,
    csrfToken: csrfTokenFor(deps.keys.csrf, session.familyId),
    expiresAt: session.expiresAt,
  });
}
