import { DEFAULT_RATE_LIMITS, type RateLimitRule } from "../config.js";
import { createLimiterStore } from "../http/rate-limits.js";

export interface GuidanceLimits {
  /** first generations of a deep dive a signed-in reader may set off (RATE_LIMITS generate) */
  generate: RateLimitRule;
  /** regenerations a reader may ask for (RATE_LIMITS regenerate) */
  regenerate: RateLimitRule;
  /** GitHub writes (bot comments) per installation per second */
  writesPerSecond: number;
  /** Redis key prefix; one per deployment sharing a Redis */
  keyPrefix: string;
}

export interface GuidanceRateLimiters {
  /** resolves with 0 when allowed, or the milliseconds to wait */
  generate(userId: number): Promise<number>;
  /** resolves with 0 when allowed, or the milliseconds to wait */
  regenerate(userId: number): Promise<number>;
  /** waits until this installation may write again, then takes the slot */
  waitForWriteSlot(installationId: number, sleep?: (ms: number) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: GuidanceLimits = {
  generate: DEFAULT_RATE_LIMITS.generate,
  regenerate: DEFAULT_RATE_LIMITS.regenerate,
  writesPerSecond: 1,
  keyPrefix: "illuminate-guidance",
};

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Shared through Redis when REDIS_URL is set, so every web and worker process sees the same counts. */
export function createRateLimiters(redisUrl: string | undefined, limits: GuidanceLimits = DEFAULT_LIMITS): GuidanceRateLimiters {
  const store = createLimiterStore(redisUrl, limits.keyPrefix);
  const generate = store.limit("generate", limits.generate);
  const regenerate = store.limit("regenerate", limits.regenerate);
  const writes = store.limit("writes", { points: limits.writesPerSecond, durationSeconds: 1 });

  return {
    generate: (userId) => generate.consume(`user-${userId}`),
    regenerate: (userId) => regenerate.consume(`user-${userId}`),
    async waitForWriteSlot(installationId, sleep = sleepFor) {
      for (;;) {
        const waitMs = await writes.consume(`installation-${installationId}`);
        if (waitMs === 0) return;
        await sleep(Math.max(10, waitMs));
      }
    },
    close: () => store.close(),
  };
}
