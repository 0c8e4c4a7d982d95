import { createHmac } from "node:crypto";
import { createWebhookReceiver } from "../github/create-webhook-middleware.js";
import type { WebhookInbox } from "../github/inbox/create-webhook-inbox.js";
import type { SampleDelivery } from "./generate-sample-deliveries.js";

/** The secret the sample's "GitHub" signs with; the receiving side checks it like a real webhook secret. */
export const SAMPLE_WEBHOOK_SECRET = "illuminate-sample-data";

/** What GitHub puts in X-Hub-Signature-256: an HMAC-SHA256 of the exact body bytes. */
export function signSampleBody(body: string, secret = SAMPLE_WEBHOOK_SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface SignedDelivery {
  id: string;
  name: string;
  /** the raw JSON body, as it would travel over HTTP */
  body: string;
  signature: string;
}

export const toSignedDelivery = (delivery: SampleDelivery, secret = SAMPLE_WEBHOOK_SECRET): SignedDelivery => {
  const body = JSON.stringify(delivery.payload);
  return { id: delivery.deliveryId, name: delivery.event, body, signature: signSampleBody(body, secret) };
};

/**
 * The sample's deliveries through the webhook endpoint's own receiver, without the HTTP: the
 * signature is checked and the body parsed exactly as for a real delivery, and it is stored in the
 * inbox. A bad signature is refused. Returns how many deliveries were new to the inbox.
 */
export async function deliverSample(
  inbox: Pick<WebhookInbox, "accept">,
  deliveries: SignedDelivery[],
  options: { secret?: string; batch?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const receive = createWebhookReceiver({ secret: options.secret ?? SAMPLE_WEBHOOK_SECRET, inbox });
  let accepted = 0;
  const batch = options.batch ?? 25;
  // In order, a batch at a time: the inbox stores each batch in one statement, oldest first.
  for (let i = 0; i < deliveries.length; i += batch) {
    options.signal?.throwIfAborted();
    const results = await Promise.all(
      deliveries.slice(i, i + batch).map((d) => receive({ event: d.name, deliveryId: d.id, signature: d.signature, body: Buffer.from(d.body) })),
    );
    accepted += results.filter(Boolean).length;
  }
  return accepted;
}
