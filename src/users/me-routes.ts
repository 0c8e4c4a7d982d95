import { Router } from "express";
import type { Knex } from "knex";
import type { Logger } from "pino";
import { z } from "zod";
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

  router.get("/users/me", auth.requireUser, async (req, res) => {
    res.json(await meView(await requireMe(req.user!.id), req.user!.sessionId));
  });

  router.patch("/users/me/profile", auth.requireUser, async (req, res) => {
    const patch = profileSchema.parse(req.body ?? {});
    res.json({ user: await updateProfile(knex, req.user!.id, patch) });
  });

  router.get("/users/me/preferences", auth.requireUser, async (req, res) => {
    res.json({ preferences: await getPreferences(knex, req.user!.id) });
  });

  router.patch("/users/me/preferences", auth.requireUser, async (req, res) => {
    const patch = preferencesPatchSchema.parse(req.body ?? {});
    const preferences = await updatePreferences(knex, req.user!.id, patch);
    const user = await requireMe(req.user!.id);
    // Saving preferences is the wizard's last step once the profile is analysed; later saves change nothing here.
    const state = user.onboardingState === "profile_analyzed" ? (await advanceOnboarding(knex, user.id, "preferences_set", now())).state : user.onboardingState;
    res.json({ preferences, onboarding: onboardingView(state) });
  });

  router.post("/users/me/refresh-profile", auth.requireUser, async (req, res) => {
    const queued = await requestProfileAnalysis(options.queue, req.user!.id, now(), options.log);
    if (queued) await knex("users").where({ id: req.user!.id }).update({ profile_status: "pending" });
    res.status(202).json({ queued, message: queued ? "Your profile will be analysed again in a moment" : "An analysis was requested less than a minute ago" });
  });

  router.post("/users/me/onboarding", auth.requireUser, async (req, res) => {
    const { state } = onboardingSchema.parse(req.body ?? {});
    const result = await advanceOnboarding(knex, req.user!.id, state, now());
    res.json({ onboarding: onboardingView(result.state), changed: result.changed });
  });

  router.delete("/users/me", auth.requireUser, async (req, res) => {
    const user = await requireMe(req.user!.id);
    const { confirmLogin } = deleteSchema.parse(req.body ?? {});
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
  });

  return router;
}
