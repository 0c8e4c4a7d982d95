import { Router } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import { timestamp } from "../http/api-schemas.js";
import { apiRoutes } from "../http/api-spec.js";
import { HttpError } from "../http/http-error.js";
import type { AuthMiddleware } from "./session/create-auth.js";
import { listSessions, revokeFamilies } from "./session/refresh-tokens.js";
import type { SessionCookies } from "./session/session-cookies.js";

const sessionId = z.coerce.number().int().positive("expected a session id");

/** /api/users/me/sessions: where the user is signed in, and signing any of them out. */
export function createSessionsRoutes(options: { knex: Knex; auth: AuthMiddleware; cookies: SessionCookies; now: () => Date }): Router {
  const { knex, auth, now } = options;
  const router = Router();

  const route = apiRoutes(router, { user: auth.requireUser });
  const tags = ["users"];

  route(
    {
      method: "get",
      path: "/users/me/sessions",
      summary: "Where the user is signed in",
      tags,
      access: "user",
      responses: {
        200: {
          description: "live sessions, the current one marked",
          schema: z.looseObject({
            sessions: z.array(z.looseObject({ id: z.number(), createdAt: timestamp, lastUsedAt: timestamp, expiresAt: timestamp, userAgent: z.string().nullable(), ip: z.string().nullable(), current: z.boolean() })),
          }),
        },
      },
    },
    async (req, res) => {
      const sessions = await listSessions(knex, req.user!.id, now());
      res.json({ sessions: sessions.map((s) => ({ ...s, current: s.id === req.user!.sessionId })) });
    },
  );

  route(
    {
      method: "delete",
      path: "/users/me/sessions/:id",
      summary: "Sign one session out",
      tags,
      access: "user",
      params: z.object({ id: sessionId }),
      responses: { 204: { description: "signed out" } },
      errors: { 404: "no active session of the user's has that id" },
    },
    async (req, res, { params }) => {
      const { id } = params;
      const revoked = await revokeFamilies(knex, { familyId: id, userId: req.user!.id }, "logout", now());
      if (revoked === 0) throw new HttpError(404, "session_not_found", "No active session of yours has that id");
      if (id === req.user!.sessionId) options.cookies.clear(res);
      res.status(204).end();
    },
  );

  route(
    { method: "delete", path: "/users/me/sessions", summary: "Sign out everywhere", tags, access: "user", responses: { 204: { description: "signed out everywhere" } } },
    async (req, res) => {
      await revokeFamilies(knex, { userId: req.user!.id }, "logout_everywhere", now());
      options.cookies.clear(res);
      res.status(204).end();
    },
  );

  return router;
}
