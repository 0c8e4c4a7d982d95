import { randomBytes } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";

/** What travels in the sign-in cookie between /auth/github and the callback. */
export interface OAuthAttempt {
  state: string;
  verifier: string;
  returnTo: string;
}

export const OAUTH_COOKIE = "illuminate_oauth";
export const OAUTH_COOKIE_PATH = "/auth/github";
export const OAUTH_ATTEMPT_TTL_SECONDS = 10 * 60;
const AUDIENCE = "illuminate-oauth-state";

export const newOAuthState = () => randomBytes(24).toString("base64url");

/**
 * The state is bound to this browser by a signed, httpOnly cookie that also carries the PKCE
 * verifier: nothing is stored server-side, so any instance can finish a sign-in another began.
 */
export async function signOAuthAttempt(key: Uint8Array, attempt: OAuthAttempt, now: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ st: attempt.state, cv: attempt.verifier, rt: attempt.returnTo })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + OAUTH_ATTEMPT_TTL_SECONDS)
    .sign(key);
}

/** The attempt, or null when the cookie is missing, forged or expired. */
export async function readOAuthAttempt(key: Uint8Array, cookie: string | undefined, now: Date): Promise<OAuthAttempt | null> {
  if (!cookie) return null;
  try {
    const { payload } = await jwtVerify(cookie, key, { algorithms: ["HS256"], audience: AUDIENCE, currentDate: now });
    const { st, cv, rt } = payload;
    if (typeof st !== "string" || typeof cv !== "string" || typeof rt !== "string") return null;
    return { state: st, verifier: cv, returnTo: rt };
  } catch {
    return null;
  }
}

/** Only a path on this site: "//evil.example" and "/\evil.example" are other hosts to a browser. */
export function safeReturnTo(value: unknown, fallback = ""): string {
  if (typeof value !== "string" || value.length > 500) return fallback;
  if (!value.startsWith("/") || /^\/[/\\]/.test(value) || [...value].some((c) => c.charCodeAt(0) < 0x20)) return fallback;
  return value;
}
