import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isDatabaseUnavailable } from "../db/database-unavailable.js";
import { HttpError } from "../http/http-error.js";
import { sameSecret } from "../http/same-secret.js";
import type { WebhookInbox } from "./inbox/create-webhook-inbox.js";

export const WEBHOOK_PATH = "/api/github/webhooks";

export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** GitHub's event names: `issues`, `pull_request_review_comment`, … */
const EVENT_NAME = /^[a-z][a-z_]{0,63}$/;
/** GitHub caps a delivery at 25 MB. */
const MAX_DELIVERY_BYTES = 25 * 1024 * 1024;
const JSON_CONTENT_TYPE = /^\s*application\/json\s*(;|$)/i;

export interface IncomingDelivery {
  event: string | undefined;
  deliveryId: string | undefined;
  signature: string | undefined;
  /** the raw body, exactly as it arrived */
  body: Buffer;
}

/**
 * Checks a delivery is GitHub's (`X-Hub-Signature-256`: HMAC-SHA256 of the raw body with the App's
 * webhook secret, compared in constant time), parses it once and writes it to the inbox; a worker
 * processes it later. Throws an HttpError saying what is wrong with a delivery it refuses.
 * Returns false for a repeat of a stored delivery.
 */
export function createWebhookReceiver(options: { secret: string; inbox: Pick<WebhookInbox, "accept"> }): (delivery: IncomingDelivery) => Promise<boolean> {
  const { secret, inbox } = options;
  return async ({ event, deliveryId, signature, body }) => {
    const missing = [event ? null : "X-GitHub-Event", deliveryId ? null : "X-GitHub-Delivery", signature ? null : "X-Hub-Signature-256"].filter(Boolean);
    if (missing.length > 0) throw new HttpError(400, "invalid_webhook", `Required headers missing: ${missing.join(", ")}`);
    if (!EVENT_NAME.test(event!)) throw new HttpError(400, "invalid_webhook", "X-GitHub-Event is not an event name");
    if (deliveryId!.length > 100) throw new HttpError(400, "invalid_webhook", "X-GitHub-Delivery is too long");
    if (!signatureMatches(secret, body, signature!)) throw new HttpError(400, "invalid_signature", "The signature does not match the payload and the webhook secret");
    const text = body.toString("utf8");
    const payload = parseObject(text);
    if (!payload) throw new HttpError(400, "invalid_webhook", "A delivery's payload is a JSON object");
    try {
      return await inbox.accept({ deliveryId: deliveryId!, event: event!, payload, body: text });
    } catch (error) {
      // Nothing internal leaks to the sender. A database outage is a 503: GitHub marks the delivery
      // failed, to be redelivered; the inbox makes a redelivery of a stored one a no-op.
      throw isDatabaseUnavailable(error)
        ? Object.assign(new HttpError(503, "database_unavailable", "The database is unreachable; redeliver later"), { cause: error })
        : Object.assign(new HttpError(500, "internal_error", "The delivery could not be stored"), { cause: error });
    }
  };
}

/**
 * `POST /api/github/webhooks`: the receiver over HTTP, answering `200 ok` once the delivery is
 * stored. A delivery it refuses rejects with an HttpError saying why, for the caller to answer
 * (`src/http/webhooks-first.ts`).
 *
 * It makes the check Probot's receiver makes, minus what we never use: Probot builds an
 * authenticated Octokit for every event before handing it over, and the receiver only stores the
 * delivery (docs/index-and-health.md, "Receiving webhooks").
 */
export function createWebhookHandler(options: { secret: string; inbox: Pick<WebhookInbox, "accept"> }): WebhookHandler {
  const receive = createWebhookReceiver(options);
  const header = (req: IncomingMessage, name: string) => {
    const value = req.headers[name];
    return typeof value === "string" ? value : undefined;
  };

  return async (req, res) => {
    if (req.method !== "POST") throw new HttpError(405, "method_not_allowed", "Webhooks are delivered with POST");
    if (!JSON_CONTENT_TYPE.test(req.headers["content-type"] ?? "")) {
      throw new HttpError(415, "unsupported_media_type", 'Deliveries are accepted as "application/json": set the webhook\'s content type to JSON');
    }
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) throw new HttpError(400, "request_aborted", "The delivery was not received whole");
    if (body === null) throw new HttpError(413, "payload_too_large", "A delivery is at most 25 MB");
    await receive({ event: header(req, "x-github-event"), deliveryId: header(req, "x-github-delivery"), signature: header(req, "x-hub-signature-256"), body });
    res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
  };
}

function signatureMatches(secret: string, body: Buffer, signature: string): boolean {
  return sameSecret(signature, `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
}

/** The raw body, or null when it is over the cap. */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_DELIVERY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
