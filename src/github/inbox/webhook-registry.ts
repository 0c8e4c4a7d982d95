import type { Logger } from "pino";

export interface StoredDelivery {
  /** our row id */
  id: number;
  /** GitHub's X-GitHub-Delivery guid */
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  payload: Record<string, unknown>;
  receivedAt: Date;
}

export type WebhookHandler = (delivery: StoredDelivery, context: { log: Logger }) => Promise<void>;

/**
 * Domains register what they handle by event (`issues`) or event and action (`issues.opened`);
 * every matching handler runs, most specific first.
 */
export interface WebhookRegistry {
  on(eventOrEventAction: string | string[], handler: WebhookHandler): void;
  handlersFor(event: string, action: string | null): WebhookHandler[];
}

export function createWebhookRegistry(): WebhookRegistry {
  const handlers = new Map<string, WebhookHandler[]>();
  return {
    on(names, handler) {
      for (const name of Array.isArray(names) ? names : [names]) {
        if (!/^[a-z_]+(\.[a-z_]+)?$/.test(name)) throw new Error(`invalid webhook event name "${name}"`);
        handlers.set(name, [...(handlers.get(name) ?? []), handler]);
      }
    },
    handlersFor(event, action) {
      const specific = action ? (handlers.get(`${event}.${action}`) ?? []) : [];
      return [...specific, ...(handlers.get(event) ?? [])];
    },
  };
}
