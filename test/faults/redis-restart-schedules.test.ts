import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBullQueue } from "../../src/queue/create-bull-queue.js";
import type { Queue } from "../../src/queue/types.js";
import { faultServicesMissing, startRedis, waitFor, type RedisServer } from "./services.js";

// Redis keeps nothing on disk here, so a restart loses every job scheduler. A running worker must
// register its schedules again by itself: nothing else would, until some process restarts.

describe.skipIf(faultServicesMissing() !== null)("schedules after Redis restarts empty", () => {
  let redis: RedisServer;
  let queue: Queue;
  const ticks: number[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    queue = createBullQueue({ redisUrl: redis.url, prefix: "faults", log: pino({ level: "silent" }) });
    queue.register("test.tick", async () => void ticks.push(Date.now()));
    await queue.schedule("tick", "test.tick", { everyMs: 200 });
    await queue.start();
  });

  afterAll(async () => {
    await queue?.close();
    await redis?.stop();
  });

  it("keeps running a schedule registered before the restart", async () => {
    await waitFor("a first tick", async () => ticks.length > 0, 10_000);
    await redis.kill();
    await redis.start();
    const restartedAt = Date.now();
    await waitFor("ticks after the restart", async () => ticks.filter((t) => t > restartedAt).length >= 3, 15_000);
    expect(ticks.filter((t) => t > restartedAt).length).toBeGreaterThanOrEqual(3);
  }, 40_000);
});
