import { createHmac } from "node:crypto";
import type { RequestHandler } from "express";
import { sameSecret } from "../http/same-secret.js";
import { requireAdmin } from "../issues/routes/require-admin.js";
import { readCookie } from "../users/session/session-cookies.js";

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


/**
 * Operator access: `Authorization: Bearer $ADMIN_TOKEN` exactly as the other operator endpoints
 * (requireAdmin), or the dashboard's admin cookie, which the dashboard forwards from its own pages.
 */
export function requireAdminAccess(options: { adminToken?: string; production: boolean }): RequestHandler {
  const bearer = requireAdmin(options);
  const expected = options.adminToken ? adminCookieValue(options.adminToken) : undefined;
  return (req, res, next) => {
    const cookie = readCookie(req, ADMIN_COOKIE);
    if (expected && cookie && sameSecret(cookie, expected) && !req.headers.authorization) {
      next();
      return;
    }
    bearer(req, res, next);
  };
}
