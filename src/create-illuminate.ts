import { createServer, type RequestListener, type Server } from "node:http";
import express, { type Express, type RequestHandler } from "express";
import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import packageJson from "../package.json" with { type: "json" };
import { exposeOriginToDashboard, type Config } from "./config.js";
import { createDb } from "./db/create-db.js";
import { migrateLatest } from "./db/migrate.js";
import type { Db } from "./db/types.js";
import type { Domain, DomainContext } from "./domain.js";
import { createAdminRoutes } from "./admin/create-admin-routes.js";
import { createDomains } from "./domains.js";
import { createGithubClients, type GithubClients } from "./github/create-github-clients.js";
import { createInstallRoutes } from "./github/create-install-routes.js";
import { createWebhookHandler } from "./github/create-webhook-middleware.js";
import {
  createWebhookInbox,
  deliveryRowIdsOf,
  PROCESS_DELIVERY_JOB,
  SWEEP_DELIVERIES_JOB,
  type ProcessDeliveryData,
  type WebhookInbox,
} from "./github/inbox/create-webhook-inbox.js";
import { createWebhookRegistry, type WebhookRegistry } from "./github/inbox/webhook-registry.js";
import { createSetupRoutes } from "./github/setup/create-setup-routes.js";
import { createHealthOnlyApp, createHttpApp } from "./http/create-http-app.js";
import { createHealthRoutes } from "./http/health-routes.js";
import { loadWebHandler } from "./http/load-web-handler.js";
import { createMetrics, metricsHandler, type Metrics } from "./http/metrics.js";
import { createOpenApiRoutes } from "./http/openapi.js";
import { webhooksFirst } from "./http/webhooks-first.js";
import { cookieNames } from "./users/session/session-cookies.js";
import { createHttpRateLimits, type HttpRateLimits } from "./http/rate-limits.js";
import { createQueue } from "./queue/create-queue.js";
import { createSampleData, type SampleData } from "./sample/create-sample-data.js";
import type { JobHandler, Queue } from "./queue/types.js";

export interface IlluminateDeps {
  log: Logger;
  /** an already-open database (tests); otherwise opened from config */
  db?: Db;
  /** an already-built queue (tests); otherwise from config */
  queue?: Queue;
  /** tests hand in an Octokit without retries or throttling */
  Octokit?: typeof ProbotOctokit;
  /** the dashboard handler; loaded from the build when absent */
  web?: RequestHandler;
  /** the clock every domain reads */
  now?: () => Date;
  /** extra webhook handlers (tests) */
  webhookHandlers?: (registry: WebhookRegistry) => void;
  /** how long a delivery may wait before the sweeper re-enqueues it */
  sweepPendingAfterMs?: number;
  /** attempts and first backoff for processing a delivery */
  webhookRetry?: { attempts: number; backoffMs: number };
}

export interface Illuminate {
  config: Config;
  db: Db;
  queue: Queue;
  inbox: WebhookInbox;
  registry: WebhookRegistry;
  github: GithubClients;
  domains: Domain[];
  /** this instance's Prometheus registry and the hooks that feed it */
  metrics: Metrics;
  /** the first-run sample dataset: its status, its session route and its background load */
  sample: SampleData;
  /** the HTTP app: everything for web/all, only /api/health for ROLE=worker */
  app: Express;
  listen(port?: number, host?: string): Promise<Server>;
  /** Graceful: stop accepting requests, finish active jobs, release connections. Safe to call twice. */
  close(): Promise<void>;
}

const SWEEP_SCHEDULE_ID = "webhooks-sweep";

async function loadDashboard(config: Config, log: Logger): Promise<RequestHandler> {
  exposeOriginToDashboard(config);
  return loadWebHandler(log);
}

/** GET /metrics on the main port, behind METRICS_TOKEN or ADMIN_TOKEN (open on a laptop without either). */
function scrapeOnMainPort(config: Config, metrics: Metrics): RequestHandler {
  return metricsHandler(metrics, { tokens: [config.metricsToken, config.adminToken], production: config.env === "production" });
}

/** METRICS_PORT: /metrics alone, no token; the port is reachable only where the operator exposes it. */
function createMetricsApp(metrics: Metrics): Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/metrics", metricsHandler(metrics, { tokens: [], production: false, open: true }));
  return app;
}

/** The composition root: config and dependencies in, a runnable Illuminate out. */
export async function createIlluminate(config: Config, deps: IlluminateDeps): Promise<Illuminate> {
  const { log } = deps;
  const runsWeb = config.role !== "worker";
  const runsWorker = config.role !== "web";

  const db = deps.db ?? (await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log }));
  // Every instance migrates at start; the migration lock makes concurrent starts wait, not collide,
  // and a worker that happens to start first never runs against a missing table.
  await migrateLatest(db);

  const queue = deps.queue ?? createQueue({ redisUrl: config.redisUrl, log: log.child({ component: "queue" }) });
  const metrics = createMetrics({ queue });
  const github = createGithubClients({ config, log, Octokit: deps.Octokit, onRateLimit: metrics.githubRateLimit });
  const context: DomainContext = { config, db, queue, github, log, now: deps.now ?? (() => new Date()), metrics };
  const domains = await createDomains(context);

  const registry = createWebhookRegistry();
  // GitHub pings a webhook when it is created or edited; answering it proves the pipeline end to end.
  registry.on("ping", async (_delivery, { log: deliveryLog }) => deliveryLog.info("webhook ping"));
  for (const domain of domains) domain.webhooks?.(registry);
  deps.webhookHandlers?.(registry);
  const inbox = createWebhookInbox({
    knex: db.knex,
    queue,
    registry,
    log: log.child({ component: "inbox" }),
    sweepPendingAfterMs: deps.sweepPendingAfterMs ?? config.inbox.sweepSeconds * 1000,
    staleProcessingAfterMs: config.inbox.staleSeconds * 1000,
    retry: deps.webhookRetry,
    onOutcome: metrics.webhookDelivery,
  });

  // Every handler is timed by job name for /metrics.
  const register = <T>(name: string, handler: JobHandler<T>) => queue.register(name, metrics.timeJob(name, handler));
  register<ProcessDeliveryData>(PROCESS_DELIVERY_JOB, (job) =>
    inbox.process(deliveryRowIdsOf(job.data), { attempt: job.attempt, maxAttempts: job.maxAttempts }),
  );
  register(SWEEP_DELIVERIES_JOB, async () => {
    await inbox.sweep();
  });
  for (const domain of domains) {
    for (const [name, handler] of Object.entries(domain.jobs ?? {})) register(name, handler as JobHandler);
  }

  const sample = createSampleData(config, { db, queue, inbox, log: log.child({ component: "sample" }), now: context.now });
  const health = createHealthRoutes({
    db,
    queue,
    inbox,
    version: packageJson.version,
    appConfigured: config.github.appConfigured,
    redisConfigured: Boolean(config.redisUrl),
    startedAt: new Date(),
    isClosing: () => closing !== null,
    sampleData: sample.status,
  });

  const servers: Server[] = [];
  let metricsServerStarted = false;
  const listenOn = (handler: RequestListener, port: number, host: string) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer(handler);
      server.once("error", reject);
      server.listen(port, host, () => resolve(server));
      servers.push(server);
    });
  // Declared before the routes: readiness reads it, and turns 503 the moment close() begins.
  let closing: Promise<void> | null = null;

  let app: Express;
  /** what the main port answers with: the app, with the webhook receiver in front of it when there is one */
  let listener: RequestListener;
  let rateLimits: HttpRateLimits | null = null;
  if (runsWeb) {
    rateLimits = createHttpRateLimits(config.redisUrl, config.rateLimits);
    const webhooks = github.probot ? createWebhookHandler({ secret: config.github.webhookSecret, inbox }) : null;
    if (!webhooks) log.warn("GitHub App not configured: running in setup mode, open /setup to register it");
    const setup =
      config.github.appConfigured || config.env === "production"
        ? []
        : [createSetupRoutes({ publicUrl: config.publicUrl, webUrl: config.github.webUrl, apiUrl: config.github.apiUrl, envFile: config.envFile, log })];
    app = createHttpApp({
      log,
      production: config.env === "production",
      trustProxy: config.trustProxy,
      corsOrigins: config.corsOrigins,
      rateLimits,
      webhooks: webhooks !== null,
      metrics: { middleware: metrics.middleware, scrape: config.metricsPort ? undefined : scrapeOnMainPort(config, metrics) },
      api: [
        health,
        createOpenApiRoutes({ version: packageJson.version, publicUrl: config.publicUrl, sessionCookie: cookieNames(config.publicUrl.startsWith("https:")).access }),
        createAdminRoutes({ knex: db.knex, queue, inbox, adminToken: config.adminToken, production: config.env === "production" }),
        ...domains.flatMap((d) => (d.api ? [d.api] : [])),
      ],
      root: [
        ...setup,
        createInstallRoutes({ github, setupAvailable: setup.length > 0, log }),
        sample.routes,
        ...domains.flatMap((d) => (d.root ? [d.root] : [])),
      ],
      web: deps.web ?? (await loadDashboard(config, log)),
    });
    listener = webhooks ? webhooksFirst({ webhooks, app, log: log.child({ component: "receiver" }), metrics, production: config.env === "production" }) : app;
  } else {
    // A worker serves only its health check, so orchestrators can probe both roles the same way.
    app = createHealthOnlyApp(log, health, { middleware: metrics.middleware, scrape: config.metricsPort ? undefined : scrapeOnMainPort(config, metrics) });
    listener = app;
  }

  if (runsWorker) {
    await queue.schedule(SWEEP_SCHEDULE_ID, SWEEP_DELIVERIES_JOB, { everyMs: config.inbox.sweepSeconds * 1000 });
    for (const domain of domains) {
      for (const schedule of domain.schedules ?? []) await queue.schedule(schedule.id, schedule.job, { everyMs: schedule.everyMs, data: schedule.data, lane: schedule.lane });
    }
    await queue.start({ concurrency: config.workerConcurrency });
    // Catch up at once with whatever the last process left behind.
    await inbox.sweep().catch((error: unknown) => log.warn({ err: error }, "startup sweep failed"));
    // A first run without a GitHub App gets sample data, loaded in the background through the inbox.
    await sample.autoload().catch((error: unknown) => log.warn({ err: error }, "sample data not started"));
  }


  return {
    config,
    db,
    queue,
    inbox,
    registry,
    github,
    domains,
    sample,
    app,
    metrics,
    async listen(port = config.port, host = config.host) {
      if (config.metricsPort && !metricsServerStarted) {
        metricsServerStarted = true;
        await listenOn(createMetricsApp(metrics), config.metricsPort, host);
      }
      return listenOn(listener, port, host);
    },
    close() {
      closing ??= (async () => {
        await Promise.all(
          servers.map(
            (server) =>
              new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeIdleConnections();
              }),
          ),
        );
        await sample.close();
        await inbox.settle();
        await queue.close();
        for (const domain of domains) await domain.close?.();
        await rateLimits?.close();
        if (!deps.db) await db.close();
      })();
      return closing;
    },
  };
}
