import { pino, type Logger } from "pino";
import { afterEach, expect, it } from "vitest";
import { PermanentJobError } from "../../src/queue/errors.js";
import type { Job, Queue } from "../../src/queue/types.js";
import { createTestQueueWith, type QueueDriver, type TestQueueOptions } from "../helpers/test-queue.js";
import { sleep, waitFor } from "./wait-for.js";

interface Run {
  attempt: number;
  maxAttempts: number;
  at: number;
  data: unknown;
}

function record(runs: Run[], job: Job): void {
  runs.push({ attempt: job.attempt, maxAttempts: job.maxAttempts, at: Date.now(), data: job.data });
}

function gaps(runs: Run[]): number[] {
  return runs.slice(1).map((run, i) => run.at - runs[i]!.at);
}

function captureLogs(): { log: Logger; lines: Array<Record<string, unknown>>; raw: string[] } {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const log = pino({ level: "debug" }, {
    write(line: string) {
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  return { log, lines, raw };
}

// Timers may fire a millisecond early relative to Date.now() rounding.
const SLACK_MS = 2;

/** The behaviour every driver must share; each driver's test file runs it. */
export function queueBehaviour(driver: QueueDriver): void {
  const opened: Queue[] = [];
  function openQueue(options?: TestQueueOptions): Queue {
    const queue = createTestQueueWith(driver, options);
    opened.push(queue);
    return queue;
  }
  async function failedCount(queue: Queue): Promise<number | undefined> {
    return (await queue.health()).failed;
  }

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
  });

  it("retries a failing job with exponential backoff until it succeeds on the third attempt", async () => {
    const queue = openQueue();
    const runs: Run[] = [];
    queue.register("test.flaky", async (job) => {
      record(runs, job);
      if (job.attempt < 3) throw new Error("not yet");
    });
    await queue.start();
    await queue.add("test.flaky", {}, { attempts: 5, backoff: { type: "exponential", delayMs: 40 } });

    await waitFor(() => runs.length === 3, { what: "three attempts" });
    expect(runs.map((run) => [run.attempt, run.maxAttempts])).toEqual([[1, 5], [2, 5], [3, 5]]);
    const [first, second] = gaps(runs);
    expect(first).toBeGreaterThanOrEqual(40 - SLACK_MS);
    expect(second).toBeGreaterThanOrEqual(80 - SLACK_MS);
    await sleep(200);
    expect(runs).toHaveLength(3);
    expect(await failedCount(queue)).toBe(0);
  });

  it("fails a job once its attempts run out, waiting the fixed backoff between them", async () => {
    const queue = openQueue();
    const runs: Run[] = [];
    queue.register("test.broken", async (job) => {
      record(runs, job);
      throw new Error("always");
    });
    await queue.start();
    await queue.add("test.broken", {}, { attempts: 3, backoff: { type: "fixed", delayMs: 30 } });

    await waitFor(async () => (await failedCount(queue)) === 1, { what: "job failed" });
    expect(runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
    for (const gap of gaps(runs)) expect(gap).toBeGreaterThanOrEqual(30 - SLACK_MS);
  });

  it("uses the queue's default attempts when a job sets none", async () => {
    const queue = openQueue({ defaultAttempts: 2 });
    const runs: Run[] = [];
    queue.register("test.broken", async (job) => {
      record(runs, job);
      throw new Error("always");
    });
    await queue.start();
    await queue.add("test.broken", {}, { backoff: { type: "fixed", delayMs: 10 } });

    await waitFor(async () => (await failedCount(queue)) === 1, { what: "job failed" });
    expect(runs.map((run) => [run.attempt, run.maxAttempts])).toEqual([[1, 2], [2, 2]]);
  });

  it("makes exactly one attempt when the handler throws PermanentJobError", async () => {
    const queue = openQueue();
    const runs: Run[] = [];
    queue.register("test.hopeless", async (job) => {
      record(runs, job);
      throw new PermanentJobError("the repository is gone");
    });
    await queue.start();
    await queue.add("test.hopeless", {}, { attempts: 5, backoff: { type: "fixed", delayMs: 10 } });

    await waitFor(async () => (await failedCount(queue)) === 1, { what: "job failed" });
    await sleep(100);
    expect(runs).toHaveLength(1);
  });

  it("fails a job with no registered handler at once", async () => {
    const queue = openQueue();
    await queue.start();
    await queue.add("test.nobody", {}, { attempts: 5, backoff: { type: "fixed", delayMs: 10 } });
    await waitFor(async () => (await failedCount(queue)) === 1, { what: "job failed" });
  });

  it("runs a job added twice with the same id once, and still ignores the id after it completed", async () => {
    const queue = openQueue();
    const runs: Run[] = [];
    queue.register("test.once", async (job) => record(runs, job));

    expect(await queue.add("test.once", { n: 1 }, { jobId: "once-1" })).toEqual({ id: "once-1", added: true });
    expect(await queue.add("test.once", { n: 2 }, { jobId: "once-1" })).toEqual({ id: "once-1", added: false });
    await queue.start();
    await waitFor(() => runs.length === 1, { what: "one run" });
    await waitFor(async () => (await queue.health()).active === 0, { what: "job finished" });
    expect(await queue.add("test.once", { n: 3 }, { jobId: "once-1" })).toEqual({ id: "once-1", added: false });

    await sleep(150);
    expect(runs.map((run) => run.data)).toEqual([{ n: 1 }]);
  });

  it("gives generated ids to jobs added without one, so they all run", async () => {
    const queue = openQueue();
    const runs: Run[] = [];
    queue.register("test.many", async (job) => record(runs, job));
    const results = await Promise.all([1, 2, 3].map((n) => queue.add("test.many", { n })));
    expect(new Set(results.map((result) => result.id)).size).toBe(3);
    expect(results.every((result) => result.added)).toBe(true);
    await queue.start();
    await waitFor(() => runs.length === 3, { what: "three runs" });
  });

  it("rejects job ids with ':' or made only of digits", async () => {
    const queue = openQueue();
    await expect(queue.add("test.any", {}, { jobId: "issue:42" })).rejects.toThrow(/must not contain ":"/);
    await expect(queue.add("test.any", {}, { jobId: "42" })).rejects.toThrow(/all digits/);
    await expect(queue.add("test.any", {}, { attempts: 0 })).rejects.toThrow(/attempts/);
  });

  it("hands the handler the data as JSON, like a job stored in Redis", async () => {
    const queue = openQueue();
    const runs: Run[] = [];
    queue.register("test.data", async (job) => record(runs, job));
    await queue.start();
    await queue.add("test.data", { when: new Date("2024-01-02T03:04:05.000Z"), nested: { list: [1, 2] } });
    await waitFor(() => runs.length === 1, { what: "one run" });
    expect(runs[0]!.data).toEqual({ when: "2024-01-02T03:04:05.000Z", nested: { list: [1, 2] } });
  });

  it("holds a delayed job until its delay has passed, while others run", async () => {
    const queue = openQueue();
    const ran: Array<{ name: string; at: number }> = [];
    queue.register("test.later", async () => void ran.push({ name: "later", at: Date.now() }));
    queue.register("test.now", async () => void ran.push({ name: "now", at: Date.now() }));
    await queue.start();

    const addedAt = Date.now();
    await queue.add("test.later", {}, { delayMs: 300 });
    await queue.add("test.now", {});
    await waitFor(() => ran.length === 2, { what: "both jobs ran" });
    expect(ran.map((run) => run.name)).toEqual(["now", "later"]);
    expect(ran[1]!.at - addedAt).toBeGreaterThanOrEqual(300 - SLACK_MS);
  });

  it("keeps jobs added before start() waiting until start()", async () => {
    const queue = openQueue();
    const runs: Run[] = [];
    queue.register("test.early", async (job) => record(runs, job));
    await queue.add("test.early", {});
    await sleep(150);
    expect(runs).toHaveLength(0);
    expect((await queue.health()).waiting).toBe(1);
    await queue.start();
    await waitFor(() => runs.length === 1, { what: "one run" });
  });

  it("runs up to `concurrency` jobs at the same time", async () => {
    const queue = openQueue();
    let running = 0;
    let most = 0;
    let done = 0;
    queue.register("test.parallel", async () => {
      running += 1;
      most = Math.max(most, running);
      await sleep(150);
      running -= 1;
      done += 1;
    });
    await queue.start({ concurrency: 3 });
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => queue.add("test.parallel", { n })));
    await waitFor(() => done === 6, { what: "six jobs done" });
    expect(most).toBe(3);
  });

  it("runs a schedule repeatedly, and registering it twice neither doubles the runs nor keeps the old data", async () => {
    const queue = openQueue();
    const runs: Run[] = [];
    queue.register("test.tick", async (job) => record(runs, job));
    await queue.schedule("tick-every-200", "test.tick", { everyMs: 200, data: { version: 1 } });
    await queue.schedule("tick-every-200", "test.tick", { everyMs: 200, data: { version: 2 } });
    await queue.start();

    await waitFor(() => runs.length >= 1, { what: "first run" });
    const windowStart = Date.now();
    await sleep(1000);
    const inWindow = runs.filter((run) => run.at > windowStart).length;
    // One schedule gives ~5 runs in 1 s; a duplicate would give ~10.
    expect(inWindow).toBeGreaterThanOrEqual(3);
    expect(inWindow).toBeLessThanOrEqual(7);
    expect(runs.every((run) => (run.data as { version: number }).version === 2)).toBe(true);
  });

  it("unschedule stops a schedule's runs, and ignores an id it does not know", async () => {
    const queue = openQueue();
    const runs: Run[] = [];
    queue.register("test.tick", async (job) => record(runs, job));
    await queue.schedule("tick-then-stop", "test.tick", { everyMs: 150 });
    await queue.start();
    await waitFor(() => runs.length >= 2, { what: "two runs" });
    await queue.unschedule("tick-then-stop");
    await queue.unschedule("never-scheduled");
    // A run already queued may still run; none after it.
    await sleep(200);
    const settled = runs.length;
    await sleep(600);
    expect(runs.length).toBe(settled);
  });

  it("on close() waits for the active job to finish and starts no other", async () => {
    const queue = openQueue();
    const events: string[] = [];
    queue.register("test.slow", async () => {
      events.push("slow started");
      await sleep(300);
      events.push("slow finished");
    });
    queue.register("test.next", async () => void events.push("next started"));
    await queue.start({ concurrency: 1 });
    await queue.add("test.slow", {});
    await waitFor(() => events.length === 1, { what: "slow job started" });
    await queue.add("test.next", {});

    await queue.close();
    expect(events).toEqual(["slow started", "slow finished"]);
    await sleep(150);
    expect(events).toEqual(["slow started", "slow finished"]);
    await queue.close();
  });

  it("stops waiting for an active job once the close timeout has passed", async () => {
    const queue = openQueue({ closeTimeoutMs: 200 });
    let started = false;
    queue.register("test.stuck", async () => {
      started = true;
      await sleep(1500);
    });
    await queue.start();
    await queue.add("test.stuck", {});
    await waitFor(() => started, { what: "stuck job started" });

    const closingAt = Date.now();
    await queue.close();
    expect(Date.now() - closingAt).toBeGreaterThanOrEqual(200 - SLACK_MS);
    expect(Date.now() - closingAt).toBeLessThan(1000);
  });

  it("reports its driver and counts in health(), and not ok once closed", async () => {
    const queue = openQueue();
    expect(await queue.health()).toMatchObject({ ok: true, driver, waiting: 0, active: 0, failed: 0 });
    await queue.add("test.idle", {}, { delayMs: 60_000 });
    expect(await queue.health()).toMatchObject({ ok: true, delayed: 1 });
    expect(queue.driver).toBe(driver);
    await queue.close();
    expect(await queue.health()).toMatchObject({ ok: false, driver });
    await expect(queue.add("test.idle", {})).rejects.toThrow(/closed/);
  });

  it("logs a warning for each failed attempt, an error only for the last, and never the job data", async () => {
    const { log, lines, raw } = captureLogs();
    const queue = openQueue({ log });
    queue.register("test.broken", async () => {
      throw new Error("upstream said no");
    });
    await queue.start();
    await queue.add("test.broken", { token: "secret-value-123" }, { attempts: 3, backoff: { type: "fixed", delayMs: 10 } });
    await waitFor(async () => (await failedCount(queue)) === 1, { what: "job failed" });

    const about = lines.filter((line) => line.job === "test.broken");
    expect(about.map((line) => [line.level, line.attempt])).toEqual([[40, 1], [40, 2], [50, 3]]);
    expect(raw.join("\n")).not.toContain("secret-value-123");
  });
}
