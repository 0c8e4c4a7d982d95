import { createHmac } from "node:crypto";
import { Webhooks } from "@octokit/webhooks";
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
 * The receiving half of the webhook endpoint, without the HTTP: @octokit/webhooks verifies the
 * signature and parses the body (what Probot's middleware does with a real delivery), and the one
 * handler stores it in the inbox, exactly as the Probot handler does. A bad signature is refused.
 * Returns how many deliveries were new to the inbox.
 */
export async function deliverSample(
  inbox: Pick<WebhookInbox, "accept">,
  deliveries: SignedDelivery[],
  options: { secret?: string; batch?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const webhooks = new Webhooks({ secret: options.secret ?? SAMPLE_WEBHOOK_SECRET });
  let accepted = 0;
  webhooks.onAny(async (event) => {
    if (await inbox.accept({ deliveryId: event.id, event: event.name, payload: event.payload as unknown as Record<string, unknown> })) accepted += 1;
  });
  const batch = options.batch ?? 25;
  // In order, a batch at a time: the inbox stores each batch in one statement, oldest first.
  for (let i = 0; i < deliveries.length; i += batch) {
    options.signal?.throwIfAborted();
    await Promise.all(deliveries.slice(i, i + batch).map((d) => webhooks.verifyAndReceive({ id: d.id, name: d.name, payload: d.body, signature: d.signature })));
  }
  return accepted;
}
