import { Router } from "express";
import type { Knex } from "knex";
import type { Logger } from "pino";
import { z } from "zod";
import { jsonObject, timestamp } from "../http/api-schemas.js";
import { apiRoutes } from "../http/api-spec.js";
import { HttpError } from "../http/http-error.js";
import type { Queue } from "../queue/types.js";
import type { GithubOAuthClient } from "./oauth/github-oauth-client.js";
import { advanceOnboarding, nextOnboardingStep, ONBOARDING_STEPS, type OnboardingState } from "./onboarding.js";
import { getPreferences, preferencesPatchSchema, updatePreferences } from "./preferences.js";
import { requestProfileAnalysis } from "./request-profile-analysis.js";
import type { AuthMiddleware } from "./session/create-auth.js";
import { csrfTokenFor } from "./session/csrf.js";
import type { SessionCookies } from "./session/session-cookies.js";
import type { SessionKeys } from "./session/session-keys.js";
import { readGithubTokens } from "./tokens/github-token-store.js";
import type { TokenVault } from "./tokens/token-vault.js";
import { deleteUser, getUser, updateProfile, type User } from "./user-store.js";

export interface MeRoutesOptions {
  knex: Knex;
  queue: Queue;
  auth: AuthMiddleware;
  keys: SessionKeys;
  cookies: SessionCookies;
  vault: TokenVault;
  oauth: GithubOAuthClient | null;
  log: Logger;
  now: () => Date;
}

const profileSchema = z
  .object({
    name: z.string().trim().max(100).nullable(),
    bio: z.string().trim().max(500).nullable(),
    publicProfile: z.boolean(),
  })
  .partial()
  .strict();

const onboardingSchema = z.object({ state: z.enum(ONBOARDING_STEPS) }).strict();
const deleteSchema = z.object({ confirmLogin: z.string().min(1, "type your GitHub login to confirm") }).strict();

const userSchema = z.looseObject({
  id: z.number(),
  githubId: z.number(),
  login: z.string(),
  name: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  bio: z.string().nullable(),
  publicProfile: z.boolean(),
  onboardingState: z.enum(ONBOARDING_STEPS),
  profileAnalysis: z.looseObject({ status: z.enum(["pending", "running", "done", "failed"]), analyzedAt: timestamp.nullable(), error: z.string().nullable() }),
  createdAt: timestamp,
});
const onboardingSchemaOut = z.looseObject({ state: z.enum(ONBOARDING_STEPS), next: z.enum(ONBOARDING_STEPS).nullable(), steps: z.array(z.enum(ONBOARDING_STEPS)), completed: z.boolean() });
const meSchema = z.looseObject({ user: userSchema, onboarding: onboardingSchemaOut, preferences: jsonObject, csrfToken: z.string() });

function onboardingView(state: OnboardingState) {
  return { state, next: nextOnboardingStep(state), steps: ONBOARDING_STEPS, completed: ONBOARDING_STEPS.indexOf(state) >= ONBOARDING_STEPS.indexOf("preferences_set") };
}

/** /api/users/me: who is signed in, their profile, preferences, onboarding, profile analysis and account deletion. */
export function createMeRoutes(options: MeRoutesOptions): Router {
  const { knex, auth, now } = options;
  const router = Router();

  const requireMe = async (id: number): Promise<User> => {
    const user = await getUser(knex, id);
    if (!user) throw new HttpError(401, "session_revoked", "This account no longer exists");
    return user;
  };
  const meView = async (user: User, sessionId: number) => ({
    user,
    onboarding: onboardingView(user.onboardingState),
    preferences: await getPreferences(knex, user.id),
    csrfToken: csrfTokenFor(options.keys.csrf, sessionId),
  });

  const route = apiRoutes(router, { user: auth.requireUser });
  const tags = ["users"];

  route(
    { method: "get", path: "/users/me", summary: "Who is signed in: user, onboarding, preferences and the CSRF token for writes", tags, access: "user", responses: { 200: { description: "the signed-in user", schema: meSchema } }, errors: { 401: "the account no longer exists" } },
    async (req, res) => {
      res.json(await meView(await requireMe(req.user!.id), req.user!.sessionId));
    },
  );

  route(
    { method: "patch", path: "/users/me/profile", summary: "Edit name, bio and whether the portfolio is public", tags, access: "user", body: profileSchema, responses: { 200: { description: "the updated user", schema: z.looseObject({ user: userSchema }) } } },
    async (req, res, { body }) => {
      res.json({ user: await updateProfile(knex, req.user!.id, body) });
    },
  );

  route(
    { method: "get", path: "/users/me/preferences", summary: "The user's matching preferences", tags, access: "user", responses: { 200: { description: "preferences", schema: z.looseObject({ preferences: jsonObject }) } } },
    async (req, res) => {
      res.json({ preferences: await getPreferences(knex, req.user!.id) });
    },
  );

  route(
    {
      method: "patch",
      path: "/users/me/preferences",
      summary: "Change matching preferences (completes onboarding after the profile analysis)",
      tags,
      access: "user",
      body: preferencesPatchSchema,
      responses: { 200: { description: "preferences and onboarding", schema: z.looseObject({ preferences: jsonObject, onboarding: onboardingSchemaOut }) } },
    },
    async (req, res, { body }) => {
      const preferences = await updatePreferences(knex, req.user!.id, body);
      const user = await requireMe(req.user!.id);
      // Saving preferences is the wizard's last step once the profile is analysed; later saves change nothing here.
      const state = user.onboardingState === "profile_analyzed" ? (await advanceOnboarding(knex, user.id, "preferences_set", now())).state : user.onboardingState;
      res.json({ preferences, onboarding: onboardingView(state) });
    },
  );

  route(
    {
      method: "post",
      path: "/users/me/refresh-profile",
      summary: "Analyse the user's GitHub profile again (at most once a minute)",
      tags,
      access: "user",
      responses: { 202: { description: "queued or not", schema: z.looseObject({ queued: z.boolean(), message: z.string() }) } },
    },
    async (req, res) => {
      const queued = await requestProfileAnalysis(options.queue, req.user!.id, now(), options.log);
      if (queued) await knex("users").where({ id: req.user!.id }).update({ profile_status: "pending" });
      res.status(202).json({ queued, message: queued ? "Your profile will be analysed again in a moment" : "An analysis was requested less than a minute ago" });
    },
  );

  route(
    {
      method: "post",
      path: "/users/me/onboarding",
      summary: "Advance the onboarding wizard",
      tags,
      access: "user",
      body: onboardingSchema,
      responses: { 200: { description: "the onboarding state", schema: z.looseObject({ onboarding: onboardingSchemaOut, changed: z.boolean() }) } },
    },
    async (req, res, { body }) => {
      const result = await advanceOnboarding(knex, req.user!.id, body.state, now());
      res.json({ onboarding: onboardingView(result.state), changed: result.changed });
    },
  );

  route(
    {
      method: "delete",
      path: "/users/me",
      summary: "Delete the account and everything stored for it; the GitHub grant is revoked",
      tags,
      access: "user",
      body: deleteSchema,
      responses: { 204: { description: "deleted; the session cookies are cleared" } },
      errors: { 400: "confirmLogin does not match the login" },
    },
    async (req, res, { body }) => {
      const user = await requireMe(req.user!.id);
      const { confirmLogin } = body;
      if (confirmLogin.toLowerCase() !== user.login.toLowerCase()) {
        throw new HttpError(400, "confirmation_mismatch", `To delete the account, send confirmLogin: "${user.login}"`);
      }
      // Tell GitHub first (best effort): afterwards we no longer hold the token that identifies the grant.
      if (options.oauth) {
        const tokens = await readGithubTokens(knex, options.vault, user.id).catch(() => null);
        if (tokens) await options.oauth.deleteGrant(tokens.accessToken).catch((error: unknown) => options.log.warn({ err: error, userId: user.id }, "github grant not deleted"));
      }
      await deleteUser(knex, user.id);
      options.cookies.clear(res);
      options.log.info({ userId: user.id }, "account deleted");
      res.status(204).end();
    },
  );

  return router;
}
