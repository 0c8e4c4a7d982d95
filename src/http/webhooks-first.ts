import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { DATABASE_RETRY_AFTER_SECONDS } from "../db/database-unavailable.js";
import { WEBHOOK_PATH, type WebhookHandler } from "../github/create-webhook-middleware.js";
import { HttpError } from "./http-error.js";
import type { Metrics } from "./metrics.js";

// What every answer to GitHub carries: the security headers the Express stack would add, written
// once. GitHub reads only the status, but a scanner pointed at the endpoint sees the same policy.
const WEBHOOK_HEADERS = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "cache-control": "no-store",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
} as const;
/** helmet's, which the rest of the port sends in production */
const HSTS = "max-age=31536000; includeSubDomains";

/**
 * The main port's request listener: GitHub's deliveries go straight to the webhook receiver, every
 * other request to Express.
 *
 * Deliveries are most of what a busy installation sends, and the receiver needs nothing of the
 * Express stack (routing, helmet, the request context): profiled under load it cost more CPU than
 * verifying and storing the delivery (docs/index-and-health.md, "Receiving webhooks"). A delivery
 * still gets the security headers, its HTTP timing in the metrics, and one log line: the inbox's
 * "webhook accepted", or "webhook refused" saying why.
 */
export function webhooksFirst(options: {
  webhooks: WebhookHandler;
  app: RequestListener;
  log: Logger;
  metrics?: Pick<Metrics, "timeRequest">;
  /** HTTPS only: Strict-Transport-Security, as on every other path */
  production?: boolean;
}): RequestListener {
  const { webhooks, app, log, metrics } = options;
  const headers: Record<string, string> = options.production ? { ...WEBHOOK_HEADERS, "strict-transport-security": HSTS } : { ...WEBHOOK_HEADERS };
  const headerEntries = Object.entries(headers);

  const refuse = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    const httpError = error instanceof HttpError ? error : new HttpError(500, "internal_error", "The delivery could not be stored");
    const fields = { status: httpError.status, code: httpError.code, deliveryId: req.headers["x-github-delivery"], event: req.headers["x-github-event"] };
    if (httpError.status >= 500) log.error({ ...fields, err: (error as { cause?: unknown }).cause ?? error }, "webhook refused");
    else log.warn({ ...fields, reason: httpError.message }, "webhook refused");
    if (res.headersSent) return void res.destroy();
    const answer: Record<string, string> = { ...headers, "content-type": "application/json" };
    if (httpError.status === 503) answer["retry-after"] = String(DATABASE_RETRY_AFTER_SECONDS);
    if (httpError.status === 405) answer.allow = "POST";
    res.writeHead(httpError.status, answer).end(JSON.stringify({ error: { code: httpError.code, message: httpError.message } }));
  };

  return (req, res) => {
    if ((req.url ?? "").split("?")[0] !== WEBHOOK_PATH) return app(req, res);
    for (const [name, value] of headerEntries) res.setHeader(name, value);
    if (metrics) {
      const done = metrics.timeRequest(req.method ?? "GET", WEBHOOK_PATH);
      res.once("finish", () => done(res.statusCode));
    }
    webhooks(req, res).catch((error: unknown) => refuse(req, res, error));
  };
}
