import type { Request, RequestHandler } from "express";
import type { Knex } from "knex";
import { HttpError } from "../../http/http-error.js";
import { InvalidAccessTokenError, verifyAccessToken } from "./access-token.js";
import { checkCsrf, isSafeMethod } from "./csrf.js";
import { isSessionActive } from "./refresh-tokens.js";
import { readCookie, type CookieNames } from "./session-cookies.js";
import type { SessionKeys } from "./session-keys.js";

/** Who is making the request; set by `requireUser` / `optionalUser`. */
export interface AuthenticatedUser {
  id: number;
  login: string;
  /** the sign-in (refresh-token family) this request belongs to */
  sessionId: number;
}

declare module "express-serve-static-core" {
  interface Request {
    user?: AuthenticatedUser;
  }
}

/** What other domains mount in front of their routes. */
export interface AuthMiddleware {
  /** 401 without a valid session; 403 for a cookie-authenticated write that fails the CSRF check. */
  requireUser: RequestHandler;
  /** Sets req.user when a valid session is present and goes on either way (still CSRF-checks writes). */
  optionalUser: RequestHandler;
}

export interface AuthOptions {
  knex: Knex;
  keys: SessionKeys;
  cookies: CookieNames;
  /** the public URL: the tokens' issuer and the one origin allowed to write */
  publicUrl: string;
  now: () => Date;
}

type Outcome = { user: AuthenticatedUser } | { error: HttpError } | { anonymous: true };

export function createAuth(options: AuthOptions): AuthMiddleware {
  const allowedOrigin = new URL(options.publicUrl).origin;

  async function authenticate(req: Request): Promise<Outcome> {
    const token = readCookie(req, options.cookies.access);
    if (!token) return { anonymous: true };
    const now = options.now();
    let claims;
    try {
      claims = await verifyAccessToken(options.keys.accessToken, options.publicUrl, token, now);
    } catch (error) {
      if (!(error instanceof InvalidAccessTokenError)) throw error;
      return error.reason === "expired"
        ? { error: new HttpError(401, "session_expired", "Your session has expired: refresh it at POST /auth/refresh or sign in again") }
        : { error: new HttpError(401, "invalid_session", "The session cookie is not valid: sign in again") };
    }
    if (!(await isSessionActive(options.knex, claims.sessionId, claims.userId, now))) {
      return { error: new HttpError(401, "session_revoked", "This session was signed out: sign in again") };
    }
    if (!isSafeMethod(req.method)) {
      const refusal = checkCsrf(req, options.keys.csrf, claims.sessionId, allowedOrigin);
      if (refusal) return { error: new HttpError(403, "csrf_failed", `Refused to protect your account: ${refusal}`) };
    }
    return { user: { id: claims.userId, login: claims.login, sessionId: claims.sessionId } };
  }

  return {
    requireUser: async (req, _res, next) => {
      const outcome = await authenticate(req);
      if ("user" in outcome) {
        req.user = outcome.user;
        next();
      } else if ("error" in outcome) {
        next(outcome.error);
      } else {
        next(new HttpError(401, "unauthenticated", "Sign in with GitHub first"));
      }
    },
    optionalUser: async (req, _res, next) => {
      const outcome = await authenticate(req);
      if ("user" in outcome) req.user = outcome.user;
      // A forged or expired cookie makes the visitor anonymous; a failed CSRF check never does.
      if ("error" in outcome && outcome.error.status === 403) {
        next(outcome.error);
        return;
      }
      next();
    },
  };
}
