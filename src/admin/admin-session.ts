import { createHmac, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { requireAdmin } from "../issues/routes/require-admin.js";

/** The dashboard's operator pages remember a sign-in in this cookie, scoped to /admin. */
export const ADMIN_COOKIE = "illuminate_admin";
export const ADMIN_COOKIE_PATH = "/admin";
export const ADMIN_COOKIE_MAX_AGE_SECONDS = 8 * 60 * 60;

/**
 * The cookie holds an HMAC keyed by ADMIN_TOKEN, never the token: a leaked cookie does not reveal
 * the token, and rotating ADMIN_TOKEN signs every dashboard operator out.
 */
export function adminCookieValue(adminToken: string): string {
  return createHmac("sha256", adminToken).update("illuminate operator dashboard v1").digest("base64url");
}

const same = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export function isAdminToken(given: string, adminToken: string): boolean {
  return same(given, adminToken);
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const separator = part.indexOf("=");
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

/**
 * Operator access: `Authorization: Bearer $ADMIN_TOKEN` exactly as the other operator endpoints
 * (requireAdmin), or the dashboard's admin cookie, which the dashboard forwards from its own pages.
 */
export function requireAdminAccess(options: { adminToken?: string; production: boolean }): RequestHandler {
  const bearer = requireAdmin(options);
  const expected = options.adminToken ? adminCookieValue(options.adminToken) : undefined;
  return (req, res, next) => {
    const cookie = readCookie(req, ADMIN_COOKIE);
    if (expected && cookie && same(cookie, expected) && !req.headers.authorization) {
      next();
      return;
    }
    bearer(req, res, next);
  };
}
