import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

export interface GuidanceLimits {
  /** regenerations a reader may ask for per hour */
  regeneratePerHour: number;
  /** GitHub writes (bot comments) per installation per second */
  writesPerSecond: number;
  /** Redis key prefix; one per deployment sharing a Redis */
  keyPrefix: string;
}

export interface GuidanceRateLimiters {
  /** resolves with 0 when allowed, or the milliseconds to wait */
  regenerate(userId: number): Promise<number>;
  /** waits until this installation may write again, then takes the slot */
  waitForWriteSlot(installationId: number, sleep?: (ms: number) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: GuidanceLimits = { regeneratePerHour: 5, writesPerSecond: 1, keyPrefix: "illuminate-guidance" };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Redis-backed when REDIS_URL is set, so every web and worker process shares the counts (falling
 * back to memory while Redis is unreachable); in memory for a single process without Redis.
 */
export function createRateLimiters(redisUrl: string | undefined, limits: GuidanceLimits = DEFAULT_LIMITS): GuidanceRateLimiters {
  const redis = redisUrl ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }) : null;
  // An unreachable Redis must not crash the process: the limiter falls back to memory meanwhile.
  redis?.on("error", () => {});
  const make = (name: string, points: number, duration: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix: `${limits.keyPrefix}-${name}`, points, duration });
    return redis
      ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${limits.keyPrefix}-${name}`, points, duration, insuranceLimiter: memory, rejectIfRedisNotReady: true })
      : memory;
  };
  const regenerate = make("regenerate", limits.regeneratePerHour, 3600);
  const writes = make("writes", limits.writesPerSecond, 1);

  return {
    async regenerate(userId) {
      try {
        await regenerate.consume(`user-${userId}`);
        return 0;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
        throw rejection;
      }
    },
    async waitForWriteSlot(installationId, sleep = sleepFor) {
      for (;;) {
        try {
          await writes.consume(`installation-${installationId}`);
          return;
        } catch (rejection) {
          if (!(rejection instanceof RateLimiterRes)) throw rejection;
          await sleep(Math.max(10, rejection.msBeforeNext));
        }
      }
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
