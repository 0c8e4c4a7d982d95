import type { Request, RequestHandler } from "express";
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { RateLimitRule, RateLimits } from "../config.js";
import { HttpError } from "./http-error.js";

export interface Limit {
  /** Takes one point for the key: resolves 0 when allowed, or the milliseconds before it may try again. */
  consume(key: string): Promise<number>;
}

export interface LimiterStore {
  limit(name: string, rule: RateLimitRule): Limit;
  close(): Promise<void>;
}

/**
 * Every limiter of one owner on one Redis connection when REDIS_URL is set, so all web processes
 * share the counts; while Redis is unreachable each falls back to an in-memory twin rather than
 * failing requests. In memory for a single process without Redis.
 */
export function createLimiterStore(redisUrl: string | undefined, keyPrefix: string): LimiterStore {
  const redis = redisUrl ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }) : null;
  // An unreachable Redis must not crash the process: the insurance limiter answers meanwhile.
  redis?.on("error", () => {});
  return {
    limit(name, rule) {
      const options = { keyPrefix: `${keyPrefix}-${name}`, points: rule.points, duration: rule.durationSeconds };
      const memory = new RateLimiterMemory(options);
      const limiter = redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory, rejectIfRedisNotReady: true }) : memory;
      return {
        async consume(key) {
          try {
            await limiter.consume(key);
            return 0;
          } catch (rejection) {
            if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
            throw rejection;
          }
        },
      };
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The 429 every limit answers with: the standard error shape and Retry-After in whole seconds. */
export function tooManyRequests(res: { setHeader(name: string, value: string): unknown }, waitMs: number, what: string): HttpError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  res.setHeader("Retry-After", String(seconds));
  const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return new HttpError(429, "rate_limited", `Too many ${what}: try again in ${wait}`);
}

/** A middleware taking one point per request from the key; a null key is not limited. */
export function rateLimit(limit: Limit, keyOf: (req: Request) => string | null, what: string): RequestHandler {
  return (req, res, next) => {
    const key = keyOf(req);
    if (key === null) {
      next();
      return;
    }
    limit.consume(key).then(
      (waitMs) => next(waitMs > 0 ? tooManyRequests(res, waitMs, what) : undefined),
      (error: unknown) => next(error),
    );
  };
}

/**
 * The dashboard renders a page by calling our own API back through the socket the page arrived
 * on, so that call comes from this server's own address without a forwarding header. The page
 * request itself was already counted against the visitor; counting the callback too would make
 * every anonymous visitor share one quota, the server's.
 */
export function isOwnCallback(req: Request): boolean {
  const { remoteAddress, localAddress } = req.socket;
  return Boolean(remoteAddress) && remoteAddress === localAddress && req.headers["x-forwarded-for"] === undefined;
}

/** Per client IP; `req.ip` believes X-Forwarded-For only as far as TRUST_PROXY says. */
export const byClientIp = (req: Request): string | null => (isOwnCallback(req) ? null : `ip-${req.ip ?? req.socket.remoteAddress ?? "unknown"}`);

export interface HttpRateLimits {
  /** per IP on /auth/* */
  auth: RequestHandler;
  /** per IP on public pages and endpoints: portfolios and their widgets */
  public: RequestHandler;
  close(): Promise<void>;
}

/** The per-IP limits the HTTP app mounts by path family. */
export function createHttpRateLimits(redisUrl: string | undefined, limits: RateLimits): HttpRateLimits {
  const store = createLimiterStore(redisUrl, "illuminate-http");
  return {
    auth: rateLimit(store.limit("auth", limits.auth), byClientIp, "sign-in requests from your address"),
    public: rateLimit(store.limit("public", limits.public), byClientIp, "requests from your address"),
    close: () => store.close(),
  };
}

interface UserAuth {
  requireUser: RequestHandler;
  optionalUser: RequestHandler;
}

/**
 * The authentication middleware with a per-user quota after it: the user is only known once the
 * session is verified, and every API route that knows its reader goes through one of these two.
 */
export function withUserRateLimit<T extends UserAuth>(auth: T, limit: Limit): T {
  const perUser = rateLimit(limit, (req) => (req.user ? `user-${req.user.id}` : null), "requests for your account");
  const after = (authenticate: RequestHandler): RequestHandler => (req, res, next) => {
    const pending = authenticate(req, res, (error?: unknown) => (error !== undefined ? next(error) : perUser(req, res, next)));
    // Express would catch a rejected authentication itself; wrapped, that is now ours to pass on.
    if (pending instanceof Promise) pending.catch(next);
  };
  return { ...auth, requireUser: after(auth.requireUser), optionalUser: after(auth.optionalUser) };
}
