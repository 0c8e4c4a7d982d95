import type { RequestHandler } from "express";
import { HttpError } from "./http-error.js";

const ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
// What our own pages send; anything else a preflight asks for is simply not granted.
const ALLOWED_HEADERS = "Content-Type, X-CSRF-Token, X-Request-Id";
const PREFLIGHT_MAX_AGE_SECONDS = "600";

/**
 * Cross-origin reads of the API for the configured origins only (CORS_ORIGINS, the public URL's
 * origin by default), with credentials, and never a wildcard. Writes from another origin are still
 * refused by the CSRF check, which trusts the public URL alone.
 */
export function cors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    // Caches must keep one answer per Origin, or an allowed origin's headers would reach another.
    res.vary("Origin");
    const origin = req.headers.origin;
    const permitted = typeof origin === "string" && allowed.has(origin);
    const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
    if (permitted) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Allow-Credentials", "true");
    }
    if (!preflight) {
      next();
      return;
    }
    if (!permitted) {
      next(new HttpError(403, "origin_not_allowed", "This origin may not call the Illuminate API"));
      return;
    }
    res.vary("Access-Control-Request-Headers");
    res.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
    res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    res.setHeader("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECONDS);
    res.status(204).end();
  };
}
