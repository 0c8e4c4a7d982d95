import type { IncomingMessage, ServerResponse } from "node:http";
import { createNodeMiddleware, type Probot } from "probot";
import type { WebhookInbox } from "./inbox/create-webhook-inbox.js";

export const WEBHOOK_PATH = "/api/github/webhooks";

export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => Promise<boolean>;

/**
 * Probot verifies `X-Hub-Signature-256` (a bad or missing signature answers 400 before we see it);
 * our only handler writes the delivery to the inbox and returns, so GitHub gets its answer at once.
 */
export async function createWebhookMiddleware(options: { probot: Probot; inbox: WebhookInbox }): Promise<NodeMiddleware> {
  const middleware = await createNodeMiddleware(
    (app) => {
      app.onAny(async (context) => {
        await options.inbox.accept({
          deliveryId: context.id,
          event: context.name,
          payload: context.payload as unknown as Record<string, unknown>,
        });
      });
    },
    { probot: options.probot, webhooksPath: WEBHOOK_PATH },
  );
  return middleware as NodeMiddleware;
}
