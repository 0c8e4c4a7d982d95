import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { ZodError } from "zod";
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from "../db/database-unavailable.js";
import { HttpError } from "./http-error.js";

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
}

const bodyParserErrors: Record<string, { status: number; code: string; message: string }> = {
  "entity.parse.failed": { status: 400, code: "invalid_json", message: "The request body is not valid JSON" },
  "entity.too.large": { status: 413, code: "payload_too_large", message: "The request body is too large" },
  "encoding.unsupported": { status: 415, code: "unsupported_encoding", message: "The request body encoding is not supported" },
  "charset.unsupported": { status: 415, code: "unsupported_charset", message: "The request body charset is not supported" },
  "request.aborted": { status: 400, code: "request_aborted", message: "The request was aborted" },
  "request.size.invalid": { status: 400, code: "invalid_length", message: "The request body length does not match Content-Length" },
};

/** Every API error leaves as `{ error: { code, message } }`; unknown errors are logged once and hidden. */
export function createErrorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    let status = 500;
    let code = "internal_error";
    let message = "Something went wrong on our side";
    let details: unknown;
    if (error instanceof HttpError) {
      ({ status, code, message } = error);
    } else if (error instanceof ZodError) {
      status = 400;
      code = "invalid_request";
      message = error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
      details = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    } else if (error instanceof Error && (error as BodyParserError).type && bodyParserErrors[(error as BodyParserError).type!]) {
      ({ status, code, message } = bodyParserErrors[(error as BodyParserError).type!]!);
    } else if (error instanceof URIError && (error as BodyParserError).status === 400) {
      // The router could not percent-decode a path segment ("/api/repos/%/x"): the client's mistake.
      status = 400;
      code = "invalid_path";
      message = "A part of the path is not valid percent-encoding";
    } else if (isDatabaseUnavailable(error)) {
      // Not our bug and not the client's: the database is down or restarting. Say when to retry.
      status = 503;
      code = "database_unavailable";
      message = "The database is unreachable right now; try again shortly";
      res.setHeader("Retry-After", String(DATABASE_RETRY_AFTER_SECONDS));
    } else if (error instanceof Error && typeof (error as BodyParserError).status === "number" && (error as BodyParserError).expose) {
      status = (error as BodyParserError).status!;
      code = "bad_request";
      message = error.message;
    }
    const requestLog = (req as { log?: Logger }).log ?? log;
    if (status === 503) requestLog.warn({ err: error, method: req.method, path: req.path }, "request failed: database unavailable");
    else if (status >= 500) requestLog.error({ err: error, method: req.method, path: req.path }, "request failed");
    res.status(status).json({ error: { code, message, ...(details ? { details } : {}) } });
  };
}

export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, "not_found", `No API route for ${req.method} ${req.path}`));
};

/** Writes under /api/ must say they are JSON; anything else is refused before parsing. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
  if (hasBody && !req.is("application/json")) {
    next(new HttpError(415, "unsupported_media_type", "Send the request body as application/json"));
    return;
  }
  next();
};
