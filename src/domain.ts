import type { Router } from "express";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { Db } from "./db/types.js";
import type { GithubClients } from "./github/create-github-clients.js";
import type { WebhookRegistry } from "./github/inbox/webhook-registry.js";
import type { MetricsHooks } from "./http/metrics.js";
import type { JobHandler, Lane, Queue } from "./queue/types.js";

/** What every domain is built from. Passed in, never imported, so tests hand in real services. */
export interface DomainContext {
  config: Config;
  db: Db;
  queue: Queue;
  github: GithubClients;
  log: Logger;
  now: () => Date;
  /** counters the domains report into (model usage); absent in tests that do not look */
  metrics?: MetricsHooks;
}

/**
 * The small surface a domain (users, issues, guidance, …) shows the composition root: its routes,
 * the webhook events it handles, its job handlers and its schedules. Everything else stays inside
 * its folder.
 */
export interface Domain {
  name: string;
  /** mounted under /api */
  api?: Router;
  /** mounted at the root, before the dashboard (e.g. /auth) */
  root?: Router;
  webhooks?(registry: WebhookRegistry): void;
  jobs?: Record<string, JobHandler<never>>;
  /** registered idempotently by worker processes */
  schedules?: Array<{ id: string; job: string; everyMs: number; data?: unknown; lane?: Lane }>;
  /** releases what the domain opened itself (a Redis connection), after the queue has stopped */
  close?(): Promise<void>;
}
