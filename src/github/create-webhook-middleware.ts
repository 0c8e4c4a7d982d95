import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import type { WebhookInbox } from "./inbox/create-webhook-inbox.js";

export const WEBHOOK_PATH = "/api/github/webhooks";

export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => Promise<boolean>;

export interface WebhookMiddlewareOptions {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** REST base URL, for GitHub Enterprise */
  apiUrl: string;
  inbox: WebhookInbox;
  log: Logger;
  /** tests hand in an Octokit without retries or throttling */
  Octokit?: typeof ProbotOctokit;
}

/**
 * Probot verifies `X-Hub-Signature-256` (a bad or missing signature answers 400 before we see it);
 * our only handler writes the delivery to the inbox and returns, so GitHub gets its answer at once.
 */
export async function createWebhookMiddleware(options: WebhookMiddlewareOptions): Promise<NodeMiddleware> {
  const probot = new Probot({
    appId: options.appId,
    privateKey: options.privateKey,
    secret: options.webhookSecret,
    baseUrl: options.apiUrl,
    log: options.log.child({ name: "probot" }),
    Octokit: options.Octokit,
  });
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
    { probot, webhooksPath: WEBHOOK_PATH },
  );
  return middleware as NodeMiddleware;
}
