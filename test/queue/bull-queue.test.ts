import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createBullQueue } from "../../src/queue/create-bull-queue.js";
import { QueueUnavailableError } from "../../src/queue/errors.js";
import type { Queue } from "../../src/queue/types.js";
import { removeQueueKeys } from "../helpers/test-queue.js";
import { sleep, waitFor } from "./wait-for.js";

const log = pino({ level: "silent" });
// Nothing listens on port 1: every connection attempt is refused, as during a Redis outage.
const UNREACHABLE = "redis://127.0.0.1:1";

describe("bullmq queue when redis is unreachable", () => {
  const opened: Queue[] = [];
  function openQueue(): Queue {
    const queue = createBullQueue({ redisUrl: UNREACHABLE, log, prefix: "test-down", queueName: "jobs" });
    opened.push(queue);
    return queue;
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
  });

  it("answers health() with ok:false and the reason, without throwing or hanging", async () => {
    const queue = openQueue();
    const startedAt = Date.now();
    const health = await queue.health();
    expect(Date.now() - startedAt).toBeLessThan(2500);
    expect(health).toMatchObject({ ok: false, driver: "bullmq" });
    expect(health.error).toMatch(/redis/i);
  });

  it("fails add() and schedule() within a couple of seconds instead of hanging", async () => {
    const queue = openQueue();
    const startedAt = Date.now();
    await expect(queue.add("test.any", {}, { jobId: "any-1" })).rejects.toBeInstanceOf(QueueUnavailableError);
    await expect(queue.schedule("any-schedule", "test.any", { everyMs: 1000 })).rejects.toBeInstanceOf(QueueUnavailableError);
    expect(Date.now() - startedAt).toBeLessThan(4000);
    // Once the first connection has failed, later calls do not wait again for it.
    const againAt = Date.now();
    await expect(queue.add("test.any", {})).rejects.toThrow(/unreachable/);
    expect(Date.now() - againAt).toBeLessThan(2000);
  });

  it("starts a worker and closes it promptly while redis is down", async () => {
    const queue = openQueue();
    await queue.start();
    await sleep(200);
    const startedAt = Date.now();
    await queue.close();
    expect(Date.now() - startedAt).toBeLessThan(3000);
  });
});

describe.skipIf(!process.env.REDIS_URL)("bullmq queue shared by several processes", () => {
  const redisUrl = process.env.REDIS_URL ?? "";
  const unique = randomUUID().slice(0, 8);
  const names = { prefix: `test-${unique}`, queueName: `jobs-${unique}` };
  const opened: Queue[] = [];
  function openInstance(): Queue {
    const queue = createBullQueue({ redisUrl, log, ...names });
    opened.push(queue);
    return queue;
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
    await removeQueueKeys(redisUrl, names.prefix, names.queueName);
  });

  it("runs jobs added by a web process (never started) on a worker process", async () => {
    const web = openInstance();
    const worker = openInstance();
    const seen: unknown[] = [];
    worker.register("test.handoff", async (job) => void seen.push(job.data));
    await worker.start();
    expect(await web.add("test.handoff", { deliveryRowId: 7 }, { jobId: "delivery-7" })).toEqual({ id: "delivery-7", added: true });
    expect(await worker.add("test.handoff", { deliveryRowId: 7 }, { jobId: "delivery-7" })).toMatchObject({ added: false });
    await waitFor(() => seen.length === 1, { what: "job handed over" });
    expect(seen).toEqual([{ deliveryRowId: 7 }]);
  });

  it("runs a schedule registered by two workers at the rate of one", async () => {
    const runs: number[] = [];
    for (const instance of [openInstance(), openInstance()]) {
      instance.register("test.tick", async () => void runs.push(Date.now()));
      await instance.schedule("shared-tick", "test.tick", { everyMs: 200 });
      await instance.start();
    }
    await waitFor(() => runs.length >= 1, { what: "first run" });
    const windowStart = Date.now();
    await sleep(1000);
    const inWindow = runs.filter((at) => at > windowStart).length;
    expect(inWindow).toBeGreaterThanOrEqual(3);
    expect(inWindow).toBeLessThanOrEqual(7);
  });
});
