import { afterEach, describe, expect, it } from "vitest";
import { PermanentJobError } from "../../src/queue/errors.js";
import type { Queue } from "../../src/queue/types.js";
import { createTestQueueWith, type QueueDriver } from "../helpers/test-queue.js";
import { waitFor } from "./wait-for.js";

/** What operators read off the queue, the same on both drivers. */
function overviewBehaviour(driver: QueueDriver): void {
  const opened: Queue[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
  });

  it("counts jobs per name and state, lists failures with their error, and retries one name's failures", async () => {
    const queue = createTestQueueWith(driver);
    opened.push(queue);
    let broken = true;
    const ran: number[] = [];
    queue.register<{ n: number }>("test.ok", async () => undefined);
    queue.register<{ n: number }>("test.broken", async (job) => {
      ran.push(job.data.n);
      if (broken) throw new PermanentJobError(`cannot do ${job.data.n}`);
    });
    queue.register("test.other", async () => {
      throw new PermanentJobError("other failure");
    });
    await queue.add("test.ok", { n: 1 });
    await queue.add("test.ok", { n: 2 });
    await queue.add("test.broken", { n: 3 }, { attempts: 2 });
    await queue.add("test.broken", { n: 4 }, { attempts: 2 });
    await queue.add("test.other", {});
    await queue.add("test.ok", { n: 5 }, { delayMs: 60_000 });

    const before = await queue.overview();
    expect(before.total).toMatchObject({ waiting: 5, delayed: 1, active: 0, failed: 0, completed: 0 });
    expect(before.byName["test.ok"]).toEqual({ waiting: 2, delayed: 1, active: 0, failed: 0, completed: 0 });

    await queue.start();
    await waitFor(async () => (await queue.overview()).total.failed === 3 && (await queue.overview()).total.completed === 2, { what: "jobs finished" });
    const after = await queue.overview();
    expect(after.byName["test.ok"]).toEqual({ waiting: 0, delayed: 1, active: 0, failed: 0, completed: 2 });
    expect(after.byName["test.broken"]).toEqual({ waiting: 0, delayed: 0, active: 0, failed: 2, completed: 0 });
    expect(after.byName["test.other"]).toMatchObject({ failed: 1 });
    expect(after.recentFailed).toHaveLength(3);
    const brokenFailure = after.recentFailed.find((job) => job.name === "test.broken")!;
    expect(brokenFailure.error).toMatch(/^cannot do [34]$/);
    expect(brokenFailure.attemptsMade).toBe(1);
    expect(brokenFailure.failedAt).toBeInstanceOf(Date);
    expect((await queue.overview({ failedLimit: 1 })).recentFailed).toHaveLength(1);

    broken = false;
    expect(await queue.retryFailed("test.broken")).toBe(2);
    await waitFor(async () => (await queue.overview()).byName["test.broken"]?.completed === 2, { what: "retried jobs completed" });
    expect(ran.sort()).toEqual([3, 3, 4, 4]);
    const retried = await queue.overview();
    expect(retried.byName["test.broken"]).toMatchObject({ failed: 0, completed: 2 });
    // Only the name asked for moved, and a second retry finds nothing left.
    expect(retried.byName["test.other"]).toMatchObject({ failed: 1 });
    expect(await queue.retryFailed("test.broken")).toBe(0);
    expect(await queue.retryFailed("test.unknown")).toBe(0);
  });
}

describe("memory queue overview", () => overviewBehaviour("memory"));

describe.skipIf(!process.env.REDIS_URL)("bullmq queue overview", () => overviewBehaviour("bullmq"));
