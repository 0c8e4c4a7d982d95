import type { IncomingMessage, ServerResponse } from "node:http";
import { createNodeMiddleware, type Probot } from "probot";
import { isDatabaseUnavailable } from "../db/database-unavailable.js";
import { HttpError } from "../http/http-error.js";
import type { WebhookInbox } from "./inbox/create-webhook-inbox.js";

export const WEBHOOK_PATH = "/api/github/webhooks";

export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => Promise<boolean>;

/** GitHub's event names: `issues`, `pull_request_review_comment`, … */
const EVENT_NAME = /^[a-z][a-z_]{0,63}$/;
/** GitHub caps a delivery at 25 MB. */
const MAX_DELIVERY_BYTES = 25 * 1024 * 1024;

/**
 * Probot verifies `X-Hub-Signature-256` (a bad or missing signature answers 400 before we see it);
 * our only handler writes the delivery to the inbox and returns, so GitHub gets its answer at once.
 */
export async function createWebhookMiddleware(options: { probot: Probot; inbox: WebhookInbox }): Promise<NodeMiddleware> {
  const middleware = (await createNodeMiddleware(
    (app) => {
      app.onAny(async (context) => {
        try {
          await options.inbox.accept({
            deliveryId: context.id,
            event: context.name,
            payload: context.payload as unknown as Record<string, unknown>,
          });
        } catch (error) {
          // Probot answers with the error's `status` and message. Nothing internal leaks to the
          // sender, and a database outage is a 503: GitHub shows the delivery failed, to redeliver.
          throw isDatabaseUnavailable(error)
            ? Object.assign(new Error("the database is unreachable; redeliver later", { cause: error }), { name: "ServiceUnavailable", status: 503 })
            : Object.assign(new Error("the delivery could not be stored", { cause: error }), { name: "InternalError", status: 500 });
        }
      });
    },
    { probot: options.probot, webhooksPath: WEBHOOK_PATH },
  )) as NodeMiddleware;

  // Probot answers 500 to a correctly signed delivery whose event name is empty or "__proto__", or
  // whose payload is not a JSON object; such a delivery is malformed, so it gets a 400 first.
  return async (req, res, next) => {
    if (req.method !== "POST" || (req.url ?? "").split("?")[0] !== WEBHOOK_PATH) return middleware(req, res, next);
    const fail = (error: HttpError) => {
      if (next) next(error);
      else res.writeHead(error.status, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: error.code, message: error.message } }));
      return true;
    };
    const event = req.headers["x-github-event"];
    if (typeof event === "string" && !EVENT_NAME.test(event)) return fail(new HttpError(400, "invalid_webhook", "X-GitHub-Event is not an event name"));
    const raw = await readBody(req).catch(() => undefined);
    if (raw === undefined) return fail(new HttpError(400, "request_aborted", "The delivery was not received whole"));
    if (raw === null) return fail(new HttpError(413, "payload_too_large", "A delivery is at most 25 MB"));
    if (!isJsonObject(raw)) return fail(new HttpError(400, "invalid_webhook", "A delivery's payload is a JSON object"));
    // Probot's body reader takes a string body as the payload, so the stream is not read twice.
    (req as IncomingMessage & { body?: unknown }).body = raw;
    return middleware(req, res, next);
  };
}

/** The body as UTF-8 (decoded the way Probot decodes it), or null when it is over the cap. */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_DELIVERY_BYTES) return null;
    chunks.push(chunk);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

function isJsonObject(raw: string): boolean {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
