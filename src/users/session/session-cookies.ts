import type { Request, Response } from "express";
import { ACCESS_TOKEN_TTL_SECONDS } from "./access-token.js";

export interface CookieNames {
  access: string;
  refresh: string;
  csrf: string;
}

/** Where the refresh cookie goes: only to the routes that trade it, never to pages or the API. */
export const REFRESH_COOKIE_PATH = "/auth";

/**
 * Over https the names carry the browser-enforced prefixes: `__Host-` (Secure, Path=/, no Domain,
 * so a sibling subdomain cannot plant it) and `__Secure-` for the refresh cookie, whose path is
 * narrower than `/`.
 */
export function cookieNames(secure: boolean): CookieNames {
  return secure
    ? { access: "__Host-illuminate_session", refresh: "__Secure-illuminate_refresh", csrf: "__Host-illuminate_csrf" }
    : { access: "illuminate_session", refresh: "illuminate_refresh", csrf: "illuminate_csrf" };
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    const value = part.slice(separator + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface SessionCookieValues {
  accessToken: string;
  /** null keeps the browser's current refresh cookie (a refresh inside the reuse grace window) */
  refreshToken: string | null;
  csrfToken: string;
  expiresAt: Date;
}

export function createSessionCookies(secure: boolean, now: () => Date) {
  const names = cookieNames(secure);
  const base = { httpOnly: true, sameSite: "lax" as const, secure };
  return {
    names,
    set(res: Response, values: SessionCookieValues): void {
      const untilFamilyEnds = Math.max(0, values.expiresAt.getTime() - now().getTime());
      res.cookie(names.access, values.accessToken, { ...base, path: "/", maxAge: ACCESS_TOKEN_TTL_SECONDS * 1000 });
      if (values.refreshToken) res.cookie(names.refresh, values.refreshToken, { ...base, path: REFRESH_COOKIE_PATH, maxAge: untilFamilyEnds });
      // Readable by the page on purpose: it is the double-submit half that scripts send back in a header.
      res.cookie(names.csrf, values.csrfToken, { ...base, httpOnly: false, path: "/", maxAge: untilFamilyEnds });
    },
    clear(res: Response): void {
      res.clearCookie(names.access, { ...base, path: "/" });
      res.clearCookie(names.refresh, { ...base, path: REFRESH_COOKIE_PATH });
      res.clearCookie(names.csrf, { ...base, httpOnly: false, path: "/" });
    },
  };
}

export type SessionCookies = ReturnType<typeof createSessionCookies>;
