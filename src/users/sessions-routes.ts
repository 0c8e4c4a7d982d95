import { Router } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import { HttpError } from "../http/http-error.js";
import type { AuthMiddleware } from "./session/create-auth.js";
import { listSessions, revokeFamilies } from "./session/refresh-tokens.js";
import type { SessionCookies } from "./session/session-cookies.js";

const sessionId = z.coerce.number().int().positive("expected a session id");

/** /api/users/me/sessions: where the user is signed in, and signing any of them out. */
export function createSessionsRoutes(options: { knex: Knex; auth: AuthMiddleware; cookies: SessionCookies; now: () => Date }): Router {
  const { knex, auth, now } = options;
  const router = Router();

  router.get("/users/me/sessions", auth.requireUser, async (req, res) => {
    const sessions = await listSessions(knex, req.user!.id, now());
    res.json({ sessions: sessions.map((s) => ({ ...s, current: s.id === req.user!.sessionId })) });
  });

  router.delete("/users/me/sessions/:id", auth.requireUser, async (req, res) => {
    const id = sessionId.parse(req.params.id);
    const revoked = await revokeFamilies(knex, { familyId: id, userId: req.user!.id }, "logout", now());
    if (revoked === 0) throw new HttpError(404, "session_not_found", "No active session of yours has that id");
    if (id === req.user!.sessionId) options.cookies.clear(res);
    res.status(204).end();
  });

  router.delete("/users/me/sessions", auth.requireUser, async (req, res) => {
    await revokeFamilies(knex, { userId: req.user!.id }, "logout_everywhere", now());
    options.cookies.clear(res);
    res.status(204).end();
  });

  return router;
}
