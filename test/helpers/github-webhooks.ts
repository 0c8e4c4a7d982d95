import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { WebhookDefinition } from "@octokit/webhooks-examples";

// The package is a JSON file whose types claim a default export; require it as the JSON it is.
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as WebhookDefinition[];

/** A real RSA key, made once per test process, so Probot can sign installation-token requests. */
export const testPrivateKey = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

export const TEST_WEBHOOK_SECRET = "test-webhook-secret";

/** A payload GitHub really sends, from @octokit/webhooks-examples, deep-copied so tests can edit it. */
export function webhookExample(event: string, action?: string, index = 0): Record<string, unknown> {
  const definition = examples.find((d) => d.name === event);
  const matching = (definition?.examples ?? []).filter((e) => action === undefined || (e as { action?: string }).action === action);
  const example = matching[index];
  if (!example) throw new Error(`no webhook example for ${event}${action ? `.${action}` : ""} #${index}`);
  return structuredClone(example) as Record<string, unknown>;
}

export function signWebhook(body: string, secret = TEST_WEBHOOK_SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** POSTs a delivery the way GitHub does: JSON body, event and delivery headers, HMAC signature. */
export async function sendWebhook(
  baseUrl: string,
  event: string,
  payload: unknown,
  options: { deliveryId?: string; secret?: string; signature?: string | null } = {},
): Promise<{ status: number; deliveryId: string; text: string }> {
  const deliveryId = options.deliveryId ?? randomUUID();
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/test",
    "x-github-event": event,
    "x-github-delivery": deliveryId,
    "x-github-hook-id": "1",
  };
  const signature = options.signature === undefined ? signWebhook(body, options.secret) : options.signature;
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  const response = await fetch(`${baseUrl}/api/github/webhooks`, { method: "POST", headers, body });
  return { status: response.status, deliveryId, text: await response.text() };
}
