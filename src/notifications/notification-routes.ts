import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Db } from "../db/types.js";
import { timestamp } from "../http/api-schemas.js";
import { apiRoutes } from "../http/api-spec.js";
import { HttpError } from "../http/http-error.js";
import type { AuthMiddleware } from "../users/index.js";
import { KIND_LABELS, KINDS, type Kind } from "./kinds.js";
import { countUnread, listNotifications, markAllRead, markRead } from "./notification-store.js";
import { getSettings, settingsPatchSchema, unsubscribe, updateSettings } from "./settings-store.js";
import type { UnsubscribeTokens } from "./unsubscribe-token.js";

export interface NotificationRouteDeps {
  db: Db;
  auth: AuthMiddleware;
  tokens: UnsubscribeTokens;
  emailEnabled: boolean;
  now: () => Date;
}

const listQuery = z
  .object({
    limit: z.coerce.number().int("limit is a whole number").min(1, "limit is between 1 and 100").max(100, "limit is between 1 and 100").default(20),
    cursor: z
      .string()
      .regex(/^[1-9]\d{0,15}$/, "the cursor is not valid: start again from the first page")
      .transform(Number)
      .optional(),
    unread: z.enum(["true", "false"], { error: "unread is true or false" }).optional(),
  })
  .strict();

const idParam = z.object({ id: z.string().regex(/^[1-9]\d{0,15}$/, "expected a notification id").transform(Number) });

const unsubscribeBody = z.object({ token: z.string({ error: "send { \"token\": \"…\" } from the unsubscribe link" }) }).strict();
const notificationSchema = z.looseObject({
  id: z.number(),
  kind: z.enum(KINDS),
  title: z.string(),
  body: z.string().nullable(),
  url: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  read: z.boolean(),
  readAt: timestamp.nullable(),
  createdAt: timestamp,
});
const settingsSchema = z.looseObject({ settings: z.looseObject({}), kinds: z.array(z.looseObject({ kind: z.enum(KINDS), label: z.string() })), emailEnabled: z.boolean() });

const userId = (req: Request) => req.user!.id;

export function createNotificationRoutes(deps: NotificationRouteDeps): Router {
  const router = Router();
  const { db, auth } = deps;
  const knex = db.knex;
  const noStore = (res: Response) => res.setHeader("Cache-Control", "private, no-store");

  const settingsView = async (id: number) => ({
    settings: await getSettings(db, id),
    kinds: KINDS.map((kind) => ({ kind, label: KIND_LABELS[kind] })),
    emailEnabled: deps.emailEnabled,
  });

  const route = apiRoutes(router, { user: auth.requireUser });
  const tags = ["notifications"];

  route(
    {
      method: "get",
      path: "/notifications",
      summary: "In-app notifications, newest first",
      tags,
      access: "user",
      query: listQuery,
      responses: { 200: { description: "one page and the unread count", schema: z.looseObject({ items: z.array(notificationSchema), nextCursor: z.string().nullable(), unreadCount: z.number() }) } },
    },
    async (req, res, { query }) => {
      const rows = await listNotifications(knex, userId(req), { limit: query.limit + 1, before: query.cursor, unreadOnly: query.unread === "true" });
      const items = rows.slice(0, query.limit);
      noStore(res);
      res.json({
        items,
        nextCursor: rows.length > query.limit ? String(items.at(-1)!.id) : null,
        unreadCount: await countUnread(knex, userId(req)),
      });
    },
  );

  route(
    { method: "get", path: "/notifications/unread-count", summary: "How many notifications are unread", tags, access: "user", responses: { 200: { description: "the count", schema: z.looseObject({ count: z.number() }) } } },
    async (req, res) => {
      noStore(res);
      res.json({ count: await countUnread(knex, userId(req)) });
    },
  );

  route(
    { method: "post", path: "/notifications/read-all", summary: "Mark every notification read", tags, access: "user", responses: { 200: { description: "how many changed", schema: z.looseObject({ updated: z.number(), unreadCount: z.number() }) } } },
    async (req, res) => {
      const updated = await markAllRead(knex, userId(req), deps.now());
      res.json({ updated, unreadCount: await countUnread(knex, userId(req)) });
    },
  );

  route(
    {
      method: "post",
      path: "/notifications/:id/read",
      summary: "Mark one notification read",
      tags,
      access: "user",
      params: idParam,
      responses: { 200: { description: "the notification", schema: notificationSchema } },
      errors: { 404: "no such notification of the user's" },
    },
    async (req, res, { params }) => {
      const { id } = params;
      const notification = await markRead(knex, userId(req), id, deps.now());
      if (!notification) throw new HttpError(404, "notification_not_found", `You have no notification ${id}`);
      res.json(notification);
    },
  );

  route(
    { method: "get", path: "/notifications/preferences", summary: "Notification settings per kind, and whether email is available", tags, access: "user", responses: { 200: { description: "settings", schema: settingsSchema } } },
    async (req, res) => {
      noStore(res);
      res.json(await settingsView(userId(req)));
    },
  );

  route(
    { method: "put", path: "/notifications/preferences", summary: "Change notification settings", tags, access: "user", body: settingsPatchSchema, responses: { 200: { description: "settings", schema: settingsSchema } } },
    async (req, res, { body }) => {
      await updateSettings(db, userId(req), body);
      res.json(await settingsView(userId(req)));
    },
  );

  // The JSON twin of the one-click link, for clients of the API.
  route(
    {
      method: "post",
      path: "/notifications/unsubscribe",
      summary: "Unsubscribe with the token of an email's unsubscribe link",
      tags,
      access: "public",
      body: unsubscribeBody,
      responses: { 200: { description: "what was turned off", schema: z.looseObject({ unsubscribed: z.union([z.literal("all"), z.array(z.enum(KINDS))]) }) } },
      errors: { 400: "the token is not valid or has expired" },
    },
    async (_req, res, { body }) => {
      const scope = deps.tokens.verify(body.token, deps.now());
      await unsubscribe(db, scope.userId, scope.kinds);
      res.json({ unsubscribed: scope.kinds });
    },
  );

  return router;
}

const escapeHtml = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

const describe = (kinds: Kind[] | "all") => (kinds === "all" ? "all Illuminate emails" : `emails about ${kinds.map((k) => `“${KIND_LABELS[k]}”`).join(", ")}`);

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .type("html")
    .setHeader("Cache-Control", "no-store")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<meta name="robots" content="noindex"><title>${escapeHtml(title)} · Illuminate</title></head>` +
        `<body><main><h1>${escapeHtml(title)}</h1>${body}<p><a href="/notifications#settings">Notification settings</a></p></main></body></html>`,
    );
}

/**
 * The unsubscribe page, reached from an email without signing in. GET only asks (mail scanners
 * follow links); POST unsubscribes, both from the page's button and as the RFC 8058 one-click
 * request a mail client sends with `List-Unsubscribe=One-Click`.
 */
export function createUnsubscribeRoutes(deps: { db: Db; tokens: UnsubscribeTokens; now: () => Date }): Router {
  const router = Router();
  const path = "/notifications/unsubscribe";

  const failed = (res: Response, error: unknown) => {
    if (!(error instanceof HttpError)) throw error;
    page(res, error.status, "This link does not work", `<p role="alert">${escapeHtml(error.message)}</p>`);
  };

  router.get(path, (req, res) => {
    try {
      const token = req.query.token;
      const scope = deps.tokens.verify(token, deps.now());
      page(
        res,
        200,
        "Unsubscribe",
        `<p>Stop ${escapeHtml(describe(scope.kinds))}? In-app notifications are not affected.</p>` +
          `<form method="post" action="${path}?token=${encodeURIComponent(String(token))}"><button type="submit" name="confirm" value="1">Unsubscribe</button></form>`,
      );
    } catch (error) {
      failed(res, error);
    }
  });

  router.post(path, express.urlencoded({ extended: false, limit: "2kb" }), async (req, res) => {
    try {
      const token = req.query.token ?? (req.body as Record<string, unknown> | undefined)?.token;
      const scope = deps.tokens.verify(token, deps.now());
      await unsubscribe(deps.db, scope.userId, scope.kinds);
      page(res, 200, "You are unsubscribed", `<p>You will get no more ${escapeHtml(describe(scope.kinds))}. You can turn them back on in your settings.</p>`);
    } catch (error) {
      failed(res, error);
    }
  });

  return router;
}
