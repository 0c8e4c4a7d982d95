import { createHmac, timingSafeEqual } from "node:crypto";
import type { Request } from "express";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const CSRF_HEADER = "x-csrf-token";
/** Plain HTML forms (sign out) send the token as this field instead of the header. */
export const CSRF_FORM_FIELD = "csrf";

export const isSafeMethod = (method: string) => SAFE_METHODS.has(method.toUpperCase());

/** The session's CSRF token: an HMAC of its id, so it cannot be planted or guessed, only read from our cookie. */
export function csrfTokenFor(key: Buffer, sessionId: number): string {
  return createHmac("sha256", key).update(`csrf|${sessionId}`).digest("base64url");
}

/**
 * Two independent checks for a cookie-authenticated write: the browser's own provenance headers
 * (Sec-Fetch-Site, Origin) must not name another site, and the request must echo the session's
 * CSRF token, which a page on another origin cannot read. Returns the reason for refusing, or null.
 */
export function checkCsrf(req: Request, key: Buffer, sessionId: number, allowedOrigin: string): string | null {
  const site = req.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return `a ${site} request cannot change this account`;
  const origin = req.get("origin");
  if (origin && origin !== allowedOrigin) return `requests from ${origin.slice(0, 100)} cannot change this account`;
  const body: unknown = req.body;
  const fromForm = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[CSRF_FORM_FIELD] : undefined;
  const sent = req.get(CSRF_HEADER) ?? (typeof fromForm === "string" ? fromForm : undefined);
  if (!sent) return `the ${CSRF_HEADER} header is missing`;
  const expected = Buffer.from(csrfTokenFor(key, sessionId));
  const given = Buffer.from(sent);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return `the ${CSRF_HEADER} header does not match this session`;
  return null;
}
