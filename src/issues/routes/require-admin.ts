import { timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { HttpError } from "../../http/http-error.js";

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Operator endpoints (tracking repositories, starting backfills) spend the GitHub budget, so they
 * take `Authorization: Bearer $ADMIN_TOKEN`. Without ADMIN_TOKEN they are open on a laptop and
 * closed in production.
 */
export function requireAdmin(options: { adminToken?: string; production: boolean }): RequestHandler {
  return (req, _res, next) => {
    if (!options.adminToken) {
      next(options.production ? new HttpError(403, "admin_disabled", "Set ADMIN_TOKEN to use operator endpoints") : undefined);
      return;
    }
    const header = req.headers.authorization ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    if (!token || !sameSecret(token, options.adminToken)) {
      next(new HttpError(401, "unauthorized", "This endpoint needs Authorization: Bearer <ADMIN_TOKEN>"));
      return;
    }
    next();
  };
}
