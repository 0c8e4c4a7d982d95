import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

declare module "express-serve-static-core" {
  interface Request {
    id: string;
    log: Logger;
  }
}

const incomingId = /^[A-Za-z0-9._-]{8,100}$/;

/** Gives every request an id (kept from a proxy's X-Request-Id when sane), a child logger, and one log line when it ends. */
export function requestContext(log: Logger): RequestHandler {
  return (req, res, next) => {
    const header = req.headers["x-request-id"];
    req.id = typeof header === "string" && incomingId.test(header) ? header : randomUUID();
    req.log = log.child({ reqId: req.id });
    res.setHeader("X-Request-Id", req.id);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = { method: req.method, path: req.originalUrl.split("?")[0], status: res.statusCode, ms: Math.round(ms * 10) / 10 };
      if (res.statusCode >= 500) req.log.error(fields, "request");
      else req.log.info(fields, "request");
    });
    next();
  };
}
