import express, { Router, type Request } from "express";
import type { Knex } from "knex";
import type { Logger } from "pino";
import { getUserIdByGithubId } from "../users/index.js";
import { sendAuthError } from "../users/oauth/send-auth-page.js";
import { issueSession } from "../users/session/issue-session.js";
import { createSessionFamily } from "../users/session/refresh-tokens.js";
import { createSessionCookies } from "../users/session/session-cookies.js";
import { deriveSessionKeys } from "../users/session/session-keys.js";
import { SAMPLE_CONTRIBUTOR } from "./sample-catalog.js";

export const SAMPLE_SESSION_PATH = "/auth/sample";

export interface SampleSessionOptions {
  knex: Knex;
  publicUrl: string;
  sessionSecret: string;
  /** the sample may only be explored on an unconfigured, non-production server */
  allowed: boolean;
  isLoaded: () => Promise<boolean>;
  log: Logger;
  now: () => Date;
}

/** A sign-in has to come from a page of this site: otherwise another site could sign a visitor in as someone else. */
function fromThisSite(req: Request, allowedOrigin: string): boolean {
  const site = req.get("sec-fetch-site");
  const origin = req.get("origin");
  if (site && site !== "same-origin" && site !== "none") return false;
  if (origin && origin !== allowedOrigin) return false;
  return Boolean(site || origin);
}

/**
 * POST /auth/sample: "Explore as the sample contributor". Issues an ordinary session (the same
 * cookies, refresh family and CSRF token as a GitHub sign-in) for the sample user, and only while
 * the sample is loaded on a server that has no GitHub App and is not in production.
 */
export function createSampleSessionRoutes(options: SampleSessionOptions): Router {
  const { knex, publicUrl, log, now } = options;
  const router = Router();
  const allowedOrigin = new URL(publicUrl).origin;
  const keys = deriveSessionKeys(options.sessionSecret);
  const cookies = createSessionCookies(publicUrl.startsWith("https:"), now);
  const form = express.urlencoded({ extended: false, limit: "1kb" });

  router.post(SAMPLE_SESSION_PATH, form, async (req, res) => {
    if (!options.allowed) {
      return sendAuthError(req, res, 403, "sample_unavailable", "Exploring as the sample contributor is only possible on a server without a GitHub App, outside production.");
    }
    if (!fromThisSite(req, allowedOrigin)) {
      return sendAuthError(req, res, 403, "csrf_failed", "Exploring as the sample contributor must start from a page of this site.");
    }
    const userId = (await options.isLoaded()) ? await getUserIdByGithubId({ knex }, SAMPLE_CONTRIBUTOR.id) : null;
    if (userId === null) {
      return sendAuthError(req, res, 403, "sample_not_loaded", "There is no sample data on this server (it is still loading, or was removed with npm run sample:reset).");
    }
    const session = await createSessionFamily(knex, userId, { userAgent: req.get("user-agent"), ip: req.ip }, now());
    await issueSession(res, { keys, cookies, issuer: publicUrl, now: now() }, { userId, login: SAMPLE_CONTRIBUTOR.login, ...session });
    log.info({ userId, sessionId: session.familyId }, "signed in as the sample contributor");
    res.setHeader("Cache-Control", "no-store");
    if (req.accepts(["html", "json"]) === "json") res.json({ user: { id: userId, login: SAMPLE_CONTRIBUTOR.login } });
    else res.redirect(303, "/feed");
  });

  return router;
}
