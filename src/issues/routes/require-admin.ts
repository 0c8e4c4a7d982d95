import type { RequestHandler } from "express";
import { HttpError } from "../../http/http-error.js";
import { bearerToken, sameSecret } from "../../http/same-secret.js";

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
    const token = bearerToken(req.headers.authorization);
    if (!token || !sameSecret(token, options.adminToken)) {
      next(new HttpError(401, "unauthorized", "This endpoint needs Authorization: Bearer <ADMIN_TOKEN>"));
      return;
    }
    next();
  };
}
