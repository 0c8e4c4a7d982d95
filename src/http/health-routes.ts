import { Router } from "express";
import type { Knex } from "knex";
import type { Db } from "../db/types.js";
import { countInstallations } from "../github/count-installations.js";
import type { WebhookInbox } from "../github/inbox/create-webhook-inbox.js";
import { getIndexStats } from "../issues/get-index-stats.js";
import type { Queue } from "../queue/types.js";

export interface HealthRoutesOptions {
  db: Db;
  queue: Queue;
  inbox: WebhookInbox;
  version: string;
  appConfigured: boolean;
  redisConfigured: boolean;
  startedAt: Date;
  now?: () => Date;
}

async function databaseOk(knex: Knex): Promise<boolean> {
  try {
    await knex.raw("select 1");
    return true;
  } catch {
    return false;
  }
}

/** `GET /api/health` for load balancers and the dashboard; `GET /api/stats` for the home page figures. */
export function createHealthRoutes(options: HealthRoutesOptions): Router {
  const router = Router();
  const now = options.now ?? (() => new Date());

  router.get("/health", async (_req, res) => {
    const [dbOk, queueHealth] = await Promise.all([databaseOk(options.db.knex), options.queue.health()]);
    const body = {
      status: dbOk && queueHealth.ok ? "ok" : "degraded",
      version: options.version,
      uptimeSeconds: Math.round((now().getTime() - options.startedAt.getTime()) / 1000),
      database: { ok: dbOk, kind: options.db.kind },
      queue: { ok: queueHealth.ok, driver: queueHealth.driver, ...(queueHealth.error ? { error: queueHealth.error } : {}) },
      redis: { configured: options.redisConfigured, ok: options.redisConfigured ? queueHealth.ok : false },
      github: { appConfigured: options.appConfigured, ...(options.appConfigured ? {} : { setupUrl: "/setup" }) },
    };
    // Without its database this instance can serve nothing useful: take it out of rotation.
    res.status(dbOk ? 200 : 503).json(body);
  });

  router.get("/stats", async (_req, res) => {
    const [installations, index, inbox] = await Promise.all([
      countInstallations(options.db.knex),
      getIndexStats(options.db.knex),
      options.inbox.stats(),
    ]);
    res.json({
      installations,
      repositories: index.repositories,
      issuesIndexed: index.issuesIndexed,
      openIssues: index.openIssues,
      deliveriesProcessed: inbox.processed,
      deliveriesPending: inbox.pending,
      lastDeliveryAt: inbox.lastReceivedAt?.toISOString() ?? null,
    });
  });

  return router;
}
