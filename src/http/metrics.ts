import type { RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { JobHandler, Queue } from "../queue/types.js";
import { HttpError } from "./http-error.js";
import { bearerToken, sameSecret } from "./same-secret.js";

export type DeliveryOutcome = "accepted" | "duplicate" | "processed" | "skipped" | "retrying" | "failed";

export interface ModelUsageSample {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  costUsd: number;
}

/** What the rest of Illuminate reports into; every method is cheap and never throws. */
export interface MetricsHooks {
  webhookDelivery(event: string, outcome: DeliveryOutcome): void;
  githubRateLimit(resource: string, remaining: number): void;
  modelUsage(model: string, usage: ModelUsageSample): void;
}

export interface Metrics extends MetricsHooks {
  registry: Registry;
  /** times every request, labelled by route template, never by raw URL */
  middleware: RequestHandler;
  /** times one request outside Express (the webhook receiver): call the answer with the status */
  timeRequest(method: string, route: string): (status: number) => void;
  /** the same handler, timed and counted by job name and outcome */
  timeJob<T>(name: string, handler: JobHandler<T>): JobHandler<T>;
  /** the Prometheus text exposition, queue depth read at this moment */
  scrape(): Promise<{ contentType: string; body: string }>;
}

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Where a request's route template is recorded as soon as a route matches (see api-spec.ts). */
export const ROUTE_TEMPLATE = "routeTemplate";

/**
 * One registry per Illuminate, not prom-client's global one, so a test process can build many apps
 * and each scrape shows only its own.
 */
export function createMetrics(options: { queue: Queue; defaultMetrics?: boolean }): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: "illuminate" });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by method, route template and status class",
    labelNames: ["method", "route", "status_class"] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: "webhook_deliveries_total",
    help: "GitHub webhook deliveries by event and outcome (accepted, duplicate, processed, skipped, retrying, failed)",
    labelNames: ["event", "outcome"] as const,
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: "job_duration_seconds",
    help: "Background job run time by job name and outcome",
    labelNames: ["job", "outcome"] as const,
    buckets: JOB_BUCKETS,
    registers: [registry],
  });
  const rateLimit = new Gauge({
    name: "github_rate_limit_remaining",
    help: "Requests left in the current GitHub rate-limit window, by resource, as of the last response",
    labelNames: ["resource"] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: "anthropic_tokens_total",
    help: "Anthropic tokens used by model and kind (input, output, cache_read, cache_write)",
    labelNames: ["model", "kind"] as const,
    registers: [registry],
  });
  const cost = new Counter({
    name: "anthropic_cost_usd_total",
    help: "Estimated Anthropic spend in US dollars, from list prices, by model",
    labelNames: ["model"] as const,
    registers: [registry],
  });
  const queue = options.queue;
  new Gauge({
    name: "queue_jobs",
    help: "Jobs in the queue by state (waiting, active, delayed, failed, completed), read on scrape",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const { total } = await queue.overview({ failedLimit: 0 });
        for (const [state, count] of Object.entries(total)) this.set({ state }, count);
      } catch {
        // An unreachable queue shows as missing series, and readiness says why.
      }
    },
  });

  const middleware: RequestHandler = (req, res, next) => {
    const end = httpDuration.startTimer();
    res.on("finish", () => {
      const locals = res.locals as Record<string, unknown>;
      const route = typeof locals[ROUTE_TEMPLATE] === "string" ? (locals[ROUTE_TEMPLATE] as string) : req.route ? `${req.baseUrl}${String(req.route.path)}` : "unmatched";
      end({ method: req.method, route, status_class: `${Math.floor(res.statusCode / 100)}xx` });
    });
    next();
  };

  return {
    registry,
    middleware,
    timeRequest(method, route) {
      const end = httpDuration.startTimer();
      return (status) => end({ method, route, status_class: `${Math.floor(status / 100)}xx` });
    },
    timeJob<T>(name: string, handler: JobHandler<T>): JobHandler<T> {
      return async (job) => {
        const end = jobDuration.startTimer({ job: name });
        try {
          const result = await handler(job);
          end({ outcome: "completed" });
          return result;
        } catch (error) {
          end({ outcome: "failed" });
          throw error;
        }
      };
    },
    webhookDelivery(event, outcome) {
      deliveries.inc({ event, outcome });
    },
    githubRateLimit(resource, remaining) {
      if (Number.isFinite(remaining)) rateLimit.set({ resource }, remaining);
    },
    modelUsage(model, usage) {
      tokens.inc({ model, kind: "input" }, usage.inputTokens);
      tokens.inc({ model, kind: "output" }, usage.outputTokens);
      tokens.inc({ model, kind: "cache_read" }, usage.cacheReadInputTokens);
      tokens.inc({ model, kind: "cache_write" }, usage.cacheCreationInputTokens);
      cost.inc({ model }, usage.costUsd);
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/**
 * `GET /metrics` on the main port: `Authorization: Bearer <METRICS_TOKEN or ADMIN_TOKEN>`. With
 * neither set it is open outside production (a laptop) and refused in production. `open: true`
 * is for the separate METRICS_PORT, which is reachable only where the operator exposes it.
 */
export function metricsHandler(metrics: Metrics, options: { tokens: Array<string | undefined>; production: boolean; open?: boolean }): RequestHandler {
  const tokens = options.tokens.filter((t): t is string => Boolean(t));
  return async (req, res, next) => {
    if (!options.open) {
      if (tokens.length === 0 && options.production) {
        next(new HttpError(403, "metrics_disabled", "Set METRICS_TOKEN (or METRICS_PORT) to scrape metrics"));
        return;
      }
      if (tokens.length > 0) {
        const given = bearerToken(req.headers.authorization);
        if (!given || !tokens.some((token) => sameSecret(given, token))) {
          next(new HttpError(401, "unauthorized", "Scraping needs Authorization: Bearer <METRICS_TOKEN>"));
          return;
        }
      }
    }
    const { contentType, body } = await metrics.scrape();
    res.setHeader("Cache-Control", "no-store");
    res.type(contentType).send(body);
  };
}
