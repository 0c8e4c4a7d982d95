import { Queue as BullQueue } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createBullQueue } from "../../src/queue/create-bull-queue.js";
import { createLanedQueue } from "../../src/queue/create-laned-queue.js";
import { createQueue, LANE_QUEUE_NAMES } from "../../src/queue/create-queue.js";
import type { Queue } from "../../src/queue/types.js";
import { createTestLanes, removeQueueKeys, type QueueDriver } from "../helpers/test-queue.js";
import { sleep, waitFor } from "./wait-for.js";

function lanedBehaviour(driver: QueueDriver): void {
  const opened: Queue[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
  });
  const openLaned = () => {
    const lanes = createTestLanes(driver);
    const queue = createLanedQueue(lanes);
    opened.push(queue);
    return { queue, lanes };
  };

  it("runs a webhook job while the background lane is busy with a long job", async () => {
    const { queue } = openLaned();
    let releaseBackfill!: () => void;
    const backfillHeld = new Promise<void>((resolve) => (releaseBackfill = resolve));
    const events: string[] = [];
    queue.register("test.backfill", async () => {
      events.push("backfill started");
      await backfillHeld;
      events.push("backfill finished");
    });
    queue.register("test.delivery", async () => void events.push("delivery processed"));
    await queue.start();

    await queue.add("test.backfill", {}, { lane: "background" });
    await queue.add("test.backfill", {}, { lane: "background", jobId: "second-backfill" });
    await waitFor(() => events.includes("backfill started"), { what: "the backfill running" });
    await queue.add("test.delivery", {});
    await waitFor(() => events.includes("delivery processed"), { what: "the delivery processed" });
    // With one lane, the delivery would have waited behind both backfills.
    expect(events).toEqual(["backfill started", "delivery processed"]);
    releaseBackfill();
    await waitFor(() => events.filter((e) => e === "backfill finished").length === 2, { what: "both backfills done" });
  });

  it("puts each job in the lane it names, and runs a job of any name in any lane", async () => {
    const { queue, lanes } = openLaned();
    const ran: string[] = [];
    queue.register("test.job", async (job) => void ran.push((job.data as { lane: string }).lane));
    await queue.add("test.job", { lane: "default" });
    await queue.add("test.job", { lane: "requested" }, { lane: "requested" });
    await queue.add("test.job", { lane: "background" }, { lane: "background", delayMs: 60_000 });
    expect((await lanes.default.overview()).total.waiting).toBe(1);
    expect((await lanes.requested.overview()).total.waiting).toBe(1);
    expect((await lanes.background.overview()).total.delayed).toBe(1);

    // Operators see one queue: counts, per-name figures and health add up over the lanes.
    const overview = await queue.overview();
    expect(overview.total).toMatchObject({ waiting: 2, delayed: 1, active: 0 });
    expect(overview.byName["test.job"]).toMatchObject({ waiting: 2, delayed: 1 });
    expect(overview.lanes).toMatchObject({ default: { waiting: 1 }, requested: { waiting: 1 }, background: { delayed: 1, waiting: 0 } });
    expect(await queue.health()).toMatchObject({ ok: true, driver, waiting: 2, delayed: 1 });

    await queue.start();
    await waitFor(() => ran.length === 2, { what: "two jobs run" });
    expect(ran.sort()).toEqual(["default", "requested"]);
  });

  it("retries failed jobs of a name in every lane, and lists the newest failures first", async () => {
    const { queue } = openLaned();
    let failing = true;
    const done: string[] = [];
    queue.register("test.flaky", async (job) => {
      if (failing) throw new Error(`failed in ${(job.data as { lane: string }).lane}`);
      done.push((job.data as { lane: string }).lane);
    });
    await queue.start();
    await queue.add("test.flaky", { lane: "default" }, { attempts: 1 });
    await waitFor(async () => (await queue.overview()).total.failed === 1, { what: "first failure" });
    await sleep(5);
    await queue.add("test.flaky", { lane: "background" }, { attempts: 1, lane: "background" });
    await waitFor(async () => (await queue.overview()).total.failed === 2, { what: "second failure" });

    const { recentFailed } = await queue.overview({ failedLimit: 5 });
    expect(recentFailed.map((f) => f.error)).toEqual(["failed in background", "failed in default"]);
    expect((await queue.overview({ failedLimit: 1 })).recentFailed).toHaveLength(1);

    failing = false;
    expect(await queue.retryFailed("test.flaky")).toBe(2);
    await waitFor(() => done.length === 2, { what: "both retried" });
    expect(await queue.retryFailed("test.flaky")).toBe(0);
  });
}

describe("laned queue, in process", () => lanedBehaviour("memory"));

describe.skipIf(!process.env.REDIS_URL)("laned queue on BullMQ", () => {
  lanedBehaviour("bullmq");

  it("moves a schedule registered by a version without lanes to its lane, so it does not run twice", async () => {
    const redisUrl = process.env.REDIS_URL!;
    const prefix = `test-lanes-${Math.random().toString(36).slice(2, 10)}`;
    const log = pino({ level: "silent" });
    const names = LANE_QUEUE_NAMES;
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const schedulersOf = async (queueName: string) => {
      const raw = new BullQueue(queueName, { connection, prefix });
      const schedulers = await raw.getJobSchedulers();
      await raw.close();
      return schedulers.map((s) => s.key);
    };
    try {
      // The version before lanes had every schedule in the one queue, "jobs".
      const before = createBullQueue({ redisUrl, prefix, log, queueName: names.default });
      await before.schedule("crawl-every-6h", "test.crawl", { everyMs: 6 * 3600_000 });
      await before.close();
      expect(await schedulersOf(names.default)).toEqual(["crawl-every-6h"]);

      const queue = createQueue({ redisUrl, prefix, log });
      await queue.schedule("crawl-every-6h", "test.crawl", { everyMs: 6 * 3600_000, lane: "background" });
      await queue.close();
      expect(await schedulersOf(names.default)).toEqual([]);
      expect(await schedulersOf(names.background)).toEqual(["crawl-every-6h"]);
    } finally {
      connection.disconnect();
      for (const name of Object.values(names)) await removeQueueKeys(redisUrl, prefix, name);
    }
  });
});
