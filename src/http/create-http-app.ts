import express, { type Express, type RequestHandler, type Router } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import type { NodeMiddleware } from "../github/create-webhook-middleware.js";
import { WEBHOOK_PATH } from "../github/create-webhook-middleware.js";
import { apiNotFound, createErrorHandler, requireJsonBody } from "./error-handler.js";
import { HttpError } from "./http-error.js";
import { requestContext } from "./request-context.js";

export interface HttpAppOptions {
  log: Logger;
  production: boolean;
  /** Probot's verified webhook endpoint; null in setup mode */
  webhooks: NodeMiddleware | null;
  /** routers mounted under /api */
  api: Router[];
  /** routers mounted at the root before the dashboard (auth, app setup) */
  root?: Router[];
  /** the SvelteKit handler for every other path */
  web: RequestHandler;
  /** largest JSON body accepted under /api */
  bodyLimit?: string;
}

/** One Express app on one port: webhooks, JSON API, auth, then the dashboard for every other path. */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", 1);
  app.use(requestContext(options.log));
  // SvelteKit writes the pages' own CSP with nonces; a second policy here would block its scripts.
  // Referrer policy "same-origin", not helmet's "no-referrer": under no-referrer browsers send
  // `Origin: null` even on same-origin form posts, which fails SvelteKit's and our CSRF origin checks.
  app.use(helmet({ contentSecurityPolicy: false, strictTransportSecurity: options.production, referrerPolicy: { policy: "same-origin" } }));

  // Probot reads the raw body to check the signature, so it must come before any body parser.
  if (options.webhooks) {
    const webhooks = options.webhooks;
    app.use((req, res, next) => {
      webhooks(req, res, next).catch(next);
    });
  } else {
    app.post(WEBHOOK_PATH, (_req, _res, next) => {
      next(new HttpError(503, "app_not_configured", "The GitHub App is not configured yet: set APP_ID, PRIVATE_KEY and WEBHOOK_SECRET"));
    });
  }

  const api = express.Router();
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

  for (const router of options.root ?? []) app.use(router);
  app.use(options.web);
  app.use(createErrorHandler(options.log));
  return app;
}

/** The worker role's HTTP surface: its health check and nothing else. */
export function createHealthOnlyApp(log: Logger, health: Router): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(requestContext(log));
  app.use(helmet({ strictTransportSecurity: false }));
  app.use("/api", health);
  app.use(apiNotFound);
  app.use(createErrorHandler(log));
  return app;
}
