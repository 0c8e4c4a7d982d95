import type { Domain, DomainContext } from "../domain.js";
import { createAuthRoutes } from "./auth-routes.js";
import { createMeRoutes } from "./me-routes.js";
import { createGithubOAuthClient } from "./oauth/github-oauth-client.js";
import { PRUNE_SESSIONS_JOB, REFRESH_PROFILES_JOB, refreshStaleProfiles } from "./refresh-profiles.js";
import { createAuth, type AuthMiddleware } from "./session/create-auth.js";
import { pruneSessions } from "./session/refresh-tokens.js";
import { createSessionCookies } from "./session/session-cookies.js";
import { deriveSessionKeys } from "./session/session-keys.js";
import { createSessionsRoutes } from "./sessions-routes.js";
import { ANALYZE_PROFILE_JOB, createAnalyzeProfileJob } from "./skills/analyze-profile.js";
import { createSkillCatalog } from "./skills/skill-catalog.js";
import { createSkillsRoutes } from "./skills-routes.js";
import { createGithubUserTokens, type GithubUserTokens } from "./tokens/github-user-tokens.js";
import { createTokenVault } from "./tokens/token-vault.js";
import { Router } from "express";
import { createLimiterStore, withUserRateLimit } from "../http/rate-limits.js";

/** The users domain plus what other domains need from it: authentication and the user's GitHub token. */
export interface UsersDomain extends Domain {
  auth: AuthMiddleware;
  /** A GitHub token to act as the user (their jobs), refreshed if about to expire; throws GithubAuthorizationRevokedError (401). */
  getUserToken: GithubUserTokens["getUserToken"];
}

const DAY_MS = 24 * 3600_000;

export function createUsersDomain(context: DomainContext): UsersDomain {
  const { config, db, queue, github, log: rootLog, now } = context;
  const log = rootLog.child({ domain: "users" });
  const knex = db.knex;
  const keys = deriveSessionKeys(config.sessionSecret);
  const secure = config.publicUrl.startsWith("https:");
  const cookies = createSessionCookies(secure, now);
  const vault = createTokenVault(config.encryptionKeys);
  const { clientId, clientSecret, webUrl, apiUrl } = config.github;
  const oauth = clientId && clientSecret ? createGithubOAuthClient({ webUrl, apiUrl, clientId, clientSecret, now }) : null;
  const tokens = createGithubUserTokens({ knex, vault, oauth, log, now });
  // Per signed-in user on every API route that reads its reader; see docs/security.md.
  const limits = createLimiterStore(config.redisUrl, "illuminate-users");
  const auth = withUserRateLimit(createAuth({ knex, keys, cookies: cookies.names, publicUrl: config.publicUrl, now }), limits.limit("api", config.rateLimits.api));

  const api = Router();
  api.use(createMeRoutes({ knex, queue, auth, keys, cookies, vault, oauth, log, now }));
  api.use(createSkillsRoutes({ knex, auth }));
  api.use(createSessionsRoutes({ knex, auth, cookies, now }));

  const analyzeProfile = createAnalyzeProfileJob({ knex, github, tokens, catalog: createSkillCatalog(), log, now });

  return {
    name: "users",
    api,
    root: createAuthRoutes({ knex, queue, github, oauth, vault, keys, cookies, publicUrl: config.publicUrl, log, now }),
    jobs: {
      [ANALYZE_PROFILE_JOB]: analyzeProfile,
      [REFRESH_PROFILES_JOB]: async () => {
        await refreshStaleProfiles({ knex, queue, log, now: now() });
      },
      [PRUNE_SESSIONS_JOB]: async () => {
        const removed = await pruneSessions(knex, now());
        if (removed > 0) log.info({ removed }, "expired sessions pruned");
      },
    },
    schedules: [
      { id: "users-refresh-profiles", job: REFRESH_PROFILES_JOB, everyMs: DAY_MS, lane: "background" },
      { id: "users-prune-sessions", job: PRUNE_SESSIONS_JOB, everyMs: DAY_MS, lane: "background" },
    ],
    auth,
    getUserToken: tokens.getUserToken,
    close: () => limits.close(),
  };
}
