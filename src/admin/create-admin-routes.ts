import { Router } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import type { WebhookInbox } from "../github/inbox/create-webhook-inbox.js";
import { DELIVERY_STATUSES, listDeliveries } from "../github/inbox/inbox-admin-store.js";
import { apiRoutes } from "../http/api-spec.js";
import { HttpError, notFound } from "../http/http-error.js";
import { LANES } from "../queue/create-laned-queue.js";
import { QueueUnavailableError } from "../queue/errors.js";
import type { Queue } from "../queue/types.js";
import { sameSecret } from "../http/same-secret.js";
import { ADMIN_COOKIE, ADMIN_COOKIE_MAX_AGE_SECONDS, ADMIN_COOKIE_PATH, adminCookieValue, requireAdminAccess } from "./admin-session.js";

export const inboxQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    event: z.string().regex(/^[a-z_]{1,60}$/, "not a GitHub event name").optional(),
    cursor: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();
export const deliveryParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const jobNameParams = z.object({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "not a job name") });
export const queuesQuery = z.object({ failed: z.coerce.number().int().min(1).max(100).default(20) }).strict();
export const adminSessionBody = z.object({ token: z.string().min(1).max(500) }).strict();

const unavailable = (error: unknown) =>
  error instanceof QueueUnavailableError ? new HttpError(503, "queue_unavailable", `The job queue is unavailable: ${error.message}`, { cause: error }) : error;

/**
 * Operator views, behind ADMIN_TOKEN: the webhook inbox (GET /admin/inbox, POST
 * /admin/inbox/:id/redeliver), the job queue (GET /admin/queues, POST /admin/queues/:name/retry-failed)
 * and the dashboard's sign-in (POST /admin/session), which turns the token into the admin cookie.
 */
export function createAdminRoutes(options: { knex: Knex; queue: Queue; inbox: WebhookInbox; adminToken?: string; production: boolean }): Router {
  const { knex, queue, inbox } = options;
  const admin = requireAdminAccess(options);
  const router = Router();
  const route = apiRoutes(router, { admin });
  const tags = ["admin"];

  route(
    {
      method: "post",
      path: "/admin/session",
      summary: "Exchange the ADMIN_TOKEN for the admin cookie the dashboard sets",
      tags,
      access: "public",
      body: adminSessionBody,
      responses: { 200: { description: "the cookie to set, or none when no token is required", schema: z.looseObject({ required: z.boolean(), cookie: z.looseObject({ name: z.string(), value: z.string() }).nullable() }) } },
      errors: { 401: "not the ADMIN_TOKEN", 403: "admin endpoints are disabled (no ADMIN_TOKEN in production)" },
    },
    async (req, res) => {
    const { token } = adminSessionBody.parse(req.body ?? {});
    if (!options.adminToken) {
      if (options.production) throw new HttpError(403, "admin_disabled", "Set ADMIN_TOKEN to use operator endpoints");
      res.json({ required: false, cookie: null });
      return;
    }
    if (!sameSecret(token, options.adminToken)) throw new HttpError(401, "unauthorized", "That is not the ADMIN_TOKEN");
    // The dashboard sets the cookie itself: a response read by its server never reaches the browser.
    res.json({
      required: true,
      cookie: {
        name: ADMIN_COOKIE,
        value: adminCookieValue(options.adminToken),
        path: ADMIN_COOKIE_PATH,
        maxAgeSeconds: ADMIN_COOKIE_MAX_AGE_SECONDS,
        httpOnly: true,
        sameSite: "strict",
        secure: options.production,
      },
    });
  });

  route(
    { method: "get", path: "/admin/session", summary: "Whether the caller is signed in as an operator", tags, access: "admin", responses: { 200: { description: "signed in", schema: z.looseObject({ signedIn: z.boolean(), required: z.boolean() }) } } },
    (_req, res) => {
    res.json({ signedIn: true, required: Boolean(options.adminToken) });
  });

  route(
    {
      method: "get",
      path: "/admin/inbox",
      summary: "Webhook deliveries, newest first, filtered by status and event",
      tags,
      access: "admin",
      query: inboxQuery,
      responses: { 200: { description: "one page and the inbox figures", schema: z.looseObject({ deliveries: z.array(z.looseObject({})), nextCursor: z.string().nullable(), stats: z.looseObject({}) }) } },
    },
    async (req, res) => {
    const query = inboxQuery.parse(req.query);
    const [page, stats] = await Promise.all([
      listDeliveries(knex, { status: query.status, event: query.event, beforeId: query.cursor, limit: query.limit }),
      inbox.stats(),
    ]);
    res.json({ deliveries: page.deliveries, nextCursor: page.nextCursor === null ? null : String(page.nextCursor), stats });
  });

  route(
    {
      method: "post",
      path: "/admin/inbox/:id/redeliver",
      summary: "Process a failed or skipped delivery again",
      tags,
      access: "admin",
      params: deliveryParams,
      responses: {
        200: { description: "already pending or processed: nothing to do", schema: z.looseObject({ delivery: z.looseObject({}), requeued: z.boolean() }) },
        202: { description: "queued again", schema: z.looseObject({ delivery: z.looseObject({}), requeued: z.boolean() }) },
      },
      errors: { 404: "no such delivery", 503: "the queue is unavailable" },
    },
    async (req, res) => {
    const { id } = deliveryParams.parse(req.params);
    const result = await inbox.redeliver(id).catch((error: unknown) => {
      throw unavailable(error);
    });
    if (!result) throw notFound(`No delivery ${id} in the inbox`, "delivery_not_found");
    res.status(result.requeued ? 202 : 200).json(result);
  });

  route(
    {
      method: "get",
      path: "/admin/queues",
      summary: "Jobs per name and state, and the newest failures",
      tags,
      access: "admin",
      query: queuesQuery,
      responses: {
        200: {
          description: "the queue's overview",
          schema: z.looseObject({ driver: z.string(), health: z.looseObject({ ok: z.boolean() }), total: z.looseObject({}), lanes: z.array(z.looseObject({ lane: z.string() })), jobs: z.array(z.looseObject({ name: z.string() })), recentFailed: z.array(z.looseObject({})) }),
        },
      },
      errors: { 503: "the queue is unavailable" },
    },
    async (req, res) => {
    const { failed } = queuesQuery.parse(req.query);
    const [health, overview] = await Promise.all([
      queue.health(),
      queue.overview({ failedLimit: failed }).catch((error: unknown) => {
        throw unavailable(error);
      }),
    ]);
    const jobs = Object.entries(overview.byName)
      .map(([name, counts]) => ({ name, ...counts }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const lanes = overview.lanes ? LANES.map((lane) => ({ lane, ...overview.lanes![lane] })) : [];
    res.json({ driver: queue.driver, health, total: overview.total, lanes, jobs, recentFailed: overview.recentFailed });
  });

  route(
    {
      method: "post",
      path: "/admin/queues/:name/retry-failed",
      summary: "Retry the retained failed jobs of one job name",
      tags,
      access: "admin",
      params: jobNameParams,
      responses: { 200: { description: "how many moved back to waiting", schema: z.looseObject({ name: z.string(), retried: z.number() }) } },
      errors: { 503: "the queue is unavailable" },
    },
    async (req, res) => {
    const { name } = jobNameParams.parse(req.params);
    const retried = await queue.retryFailed(name).catch((error: unknown) => {
      throw unavailable(error);
    });
    res.json({ name, retried });
  });

  return router;
}
