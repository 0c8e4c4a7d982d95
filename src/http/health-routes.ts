import { Router } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import { listMigrations } from "../db/migrate.js";
import type { Db } from "../db/types.js";
import { countInstallations } from "../github/count-installations.js";
import type { WebhookInbox } from "../github/inbox/create-webhook-inbox.js";
import { getIndexStats } from "../issues/get-index-stats.js";
import type { Queue } from "../queue/types.js";
import { timestamp } from "./api-schemas.js";
import { apiRoutes } from "./api-spec.js";

export interface HealthRoutesOptions {
  db: Db;
  queue: Queue;
  inbox: WebhookInbox;
  version: string;
  appConfigured: boolean;
  redisConfigured: boolean;
  startedAt: Date;
  now?: () => Date;
  /** true once close() has begun: readiness and liveness answer 503 */
  isClosing?: () => boolean;
  /** whether the first-run sample dataset is loaded (or loading) */
  sampleData?: () => Promise<{ loaded: boolean; loading?: boolean }>;
}

const probeSchema = z.looseObject({ status: z.enum(["ok", "shutting_down"]) });
const readySchema = z.looseObject({
  status: z.enum(["ready", "not_ready"]),
  checks: z.looseObject({ shutdown: z.boolean(), database: z.boolean(), migrations: z.boolean(), queue: z.boolean() }),
  failed: z.array(z.string()),
});
const healthSchema = z.looseObject({
  status: z.enum(["ok", "degraded"]),
  version: z.string(),
  uptimeSeconds: z.number(),
  database: z.looseObject({ ok: z.boolean(), kind: z.string() }),
  queue: z.looseObject({ ok: z.boolean(), driver: z.string() }),
  redis: z.looseObject({ configured: z.boolean(), ok: z.boolean() }),
  github: z.looseObject({ appConfigured: z.boolean() }),
});
const healthResponses = {
  200: { description: "the database answers", schema: healthSchema },
  503: { description: "the database does not answer", schema: healthSchema },
};
const statsSchema = z.looseObject({
  installations: z.number(),
  repositories: z.number(),
  issuesIndexed: z.number(),
  openIssues: z.number(),
  deliveriesProcessed: z.number(),
  deliveriesPending: z.number(),
  lastDeliveryAt: timestamp.nullable(),
});

async function databaseOk(knex: Knex): Promise<boolean> {
  try {
    await knex.raw("select 1");
    return true;
  } catch {
    return false;
  }
}

/** `GET /api/health/live` and `/api/health/ready` for orchestrators; `GET /api/health` for load balancers and the dashboard; `GET /api/stats` for the home page figures. */
export function createHealthRoutes(options: HealthRoutesOptions): Router {
  const router = Router();
  const now = options.now ?? (() => new Date());

  const route = apiRoutes(router);
  const tags = ["health"];

  route({ method: "get", path: "/health", summary: "Database, queue, Redis and GitHub App status, for people and dashboards", tags, access: "public", responses: healthResponses }, async (_req, res) => {
    const [dbOk, queueHealth] = await Promise.all([databaseOk(options.db.knex), options.queue.health()]);
    const sampleData = dbOk && options.sampleData ? await options.sampleData().catch(() => ({ loaded: false })) : { loaded: false };
    const body = {
      status: dbOk && queueHealth.ok ? "ok" : "degraded",
      version: options.version,
      uptimeSeconds: Math.round((now().getTime() - options.startedAt.getTime()) / 1000),
      database: { ok: dbOk, kind: options.db.kind },
      queue: { ok: queueHealth.ok, driver: queueHealth.driver, ...(queueHealth.error ? { error: queueHealth.error } : {}) },
      redis: { configured: options.redisConfigured, ok: options.redisConfigured ? queueHealth.ok : false },
      github: { appConfigured: options.appConfigured, ...(options.appConfigured ? {} : { setupUrl: "/setup" }) },
      sampleData,
    };
    // Without its database this instance can serve nothing useful: take it out of rotation.
    res.status(dbOk ? 200 : 503).json(body);
  });

  route({ method: "get", path: "/stats", summary: "Figures for the home page: installations, index and inbox", tags, access: "public", responses: { 200: { description: "the figures", schema: statsSchema } } }, async (_req, res) => {
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

  route(
    {
      method: "get",
      path: "/health/live",
      summary: "Liveness: the process is up and not shutting down; checks no dependency",
      tags,
      access: "public",
      responses: { 200: { description: "alive", schema: probeSchema }, 503: { description: "shutting down", schema: probeSchema } },
    },
    (_req, res) => {
      const closing = options.isClosing?.() ?? false;
      res.status(closing ? 503 : 200).json({ status: closing ? "shutting_down" : "ok" });
    },
  );

  route(
    {
      method: "get",
      path: "/health/ready",
      summary: "Readiness: database reachable, migrations applied, queue reachable (with Redis), not shutting down",
      tags,
      access: "public",
      responses: { 200: { description: "ready for traffic", schema: readySchema }, 503: { description: "not ready: `failed` names the dependencies", schema: readySchema } },
    },
    async (_req, res) => {
      const closing = options.isClosing?.() ?? false;
      const [dbOk, queueHealth] = await Promise.all([databaseOk(options.db.knex), options.queue.health()]);
      const pending = dbOk ? await listMigrations(options.db).then((m) => m.pending.length, () => -1) : -1;
      const checks = {
        shutdown: !closing,
        database: dbOk,
        migrations: pending === 0,
        // Without Redis the queue lives in this process: it is as reachable as the process itself.
        queue: options.redisConfigured ? queueHealth.ok : true,
      };
      const failed = Object.entries(checks).flatMap(([name, ok]) => (ok ? [] : [name]));
      res.status(failed.length === 0 ? 200 : 503).json({ status: failed.length === 0 ? "ready" : "not_ready", checks, failed });
    },
  );

  return router;
}
