import express, { type Express, type RequestHandler, type Router } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { WEBHOOK_PATH } from "../github/create-webhook-middleware.js";
import { cors } from "./cors.js";
import { apiNotFound, createErrorHandler, requireJsonBody } from "./error-handler.js";
import { HttpError } from "./http-error.js";
import { requestContext } from "./request-context.js";

export interface HttpAppOptions {
  log: Logger;
  production: boolean;
  /**
   * Whether the webhook receiver answers in front of this app (see webhooks-first.ts); when it
   * does not (setup mode), a delivery is told the App is not configured yet.
   */
  webhooks: boolean;
  /** routers mounted under /api */
  api: Router[];
  /** routers mounted at the root before the dashboard (auth, app setup) */
  root?: Router[];
  /** the SvelteKit handler for every other path */
  web: RequestHandler;
  /** times every request; `scrape` serves GET /metrics on this port when given */
  metrics?: { middleware: RequestHandler; scrape?: RequestHandler };
  /** largest JSON body accepted under /api */
  bodyLimit?: string;
  /** proxy hops whose X-Forwarded-For is believed; false (the default) believes none */
  trustProxy?: number | false;
  /** origins allowed to call /api from a browser with credentials */
  corsOrigins?: string[];
  /** per-IP limits by path family (see rate-limits.ts); the per-user one rides on authentication */
  rateLimits?: { auth: RequestHandler; public: RequestHandler };
}

// Public pages and endpoints anyone may hit without signing in: portfolios and their widgets.
const PUBLIC_PATH = /^\/(?:u\/[^/]+|api\/portfolio\/(?!me(?:\/|$))[^/]+(?:\/widget)?)\/?$/;

/** One Express app on one port: JSON API, auth, then the dashboard for every other path (webhooks are answered in front of it). */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", options.trustProxy ?? false);
  app.use(requestContext(options.log));
  if (options.metrics) app.use(options.metrics.middleware);
  // SvelteKit writes the pages' own CSP with nonces; a second policy here would block its scripts.
  // Referrer policy "same-origin", not helmet's "no-referrer": under no-referrer browsers send
  // `Origin: null` even on same-origin form posts, which fails SvelteKit's and our CSRF origin checks.
  app.use(helmet({ contentSecurityPolicy: false, strictTransportSecurity: options.production, referrerPolicy: { policy: "same-origin" } }));

  if (!options.webhooks) {
    app.post(WEBHOOK_PATH, (_req, _res, next) => {
      next(new HttpError(503, "app_not_configured", "The GitHub App is not configured yet: set APP_ID, PRIVATE_KEY and WEBHOOK_SECRET"));
    });
  }

  // Deliveries never reach these limits (they are answered in front of the app): GitHub delivers
  // from a few shared addresses.
  if (options.rateLimits) {
    const { auth, public: publicLimit } = options.rateLimits;
    app.use("/auth", auth);
    // Trading the operator token for a cookie is a sign-in too: guessing it is slowed the same way.
    // (a middleware, not a route, so the route listing keeps the real handler's entry)
    app.use("/api/admin/session", (req, res, next) => (req.method === "POST" ? auth(req, res, next) : next()));
    app.use((req, res, next) => {
      if (PUBLIC_PATH.test(req.path)) publicLimit(req, res, next);
      else next();
    });
  }

  const api = express.Router();
  api.use(cors(options.corsOrigins ?? []));
  api.use((_req, res, next) => {
    res.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  api.use(requireJsonBody);
  api.use(express.json({ limit: options.bodyLimit ?? "100kb", strict: true, type: "application/json" }));
  for (const router of options.api) api.use(router);
  api.use(apiNotFound);
  app.use("/api", api);

  if (options.metrics?.scrape) app.get("/metrics", options.metrics.scrape);
  for (const router of options.root ?? []) app.use(router);
  app.use(options.web);
  app.use(createErrorHandler(options.log));
  return app;
}

/** The worker role's HTTP surface: its health check and nothing else. */
export function createHealthOnlyApp(log: Logger, health: Router, metrics?: HttpAppOptions["metrics"]): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(requestContext(log));
  if (metrics) app.use(metrics.middleware);
  if (metrics?.scrape) app.get("/metrics", metrics.scrape);
  app.use(helmet({ strictTransportSecurity: false }));
  app.use("/api", health);
  app.use(apiNotFound);
  app.use(createErrorHandler(log));
  return app;
}
