import type { Logger } from "pino";
import { assertAddOptions, assertQueueId } from "./assert-add-options.js";
import { backoffDelay } from "./backoff-delay.js";
import { PermanentJobError, QueueUnavailableError } from "./errors.js";
import { queueDefaults } from "./queue-defaults.js";
import type { AddOptions, AddResult, BackoffOptions, FailedJobInfo, JobCounts, JobHandler, Queue, QueueHealth, QueueOverview, ScheduleOptions } from "./types.js";

export interface MemoryQueueOptions {
  log: Logger;
  /** attempts for jobs added without `attempts` (default 3) */
  defaultAttempts?: number;
  /** backoff for jobs added without `backoff` (default exponential from 1 s) */
  defaultBackoff?: BackoffOptions;
  /** how long `close()` waits for active jobs before giving up on them */
  closeTimeoutMs?: number;
}

interface Entry {
  id: string;
  name: string;
  data: unknown;
  attemptsMade: number;
  maxAttempts: number;
  backoff: BackoffOptions;
  state: "waiting" | "delayed" | "active";
  timer?: NodeJS.Timeout;
}

interface Schedule {
  id: string;
  jobName: string;
  data: unknown;
  everyMs: number;
  nextDue: number;
  timer?: NodeJS.Timeout;
  /** the iteration enqueued last, so a stopped worker never piles up runs */
  pendingJobId?: string;
}

interface FinishedJob {
  at: number;
  entry: Entry;
  /** the last attempt's error, for failed jobs */
  error?: string;
}

/** Insertion-ordered, so the oldest finished jobs are the first to be forgotten. */
type Finished = Map<string, FinishedJob>;

const emptyCounts = (): JobCounts => ({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 });

/**
 * In-process driver with BullMQ's semantics, for a single process without Redis and for tests.
 * Nothing survives a restart: jobs waiting or delayed when the process stops are lost.
 */
export function createMemoryQueue(options: MemoryQueueOptions): Queue {
  const log = options.log;
  const defaultAttempts = options.defaultAttempts ?? queueDefaults.attempts;
  const defaultBackoff = options.defaultBackoff ?? queueDefaults.backoff;
  const closeTimeoutMs = options.closeTimeoutMs ?? queueDefaults.closeTimeoutMs;

  const handlers = new Map<string, JobHandler<never>>();
  const pending = new Map<string, Entry>();
  const ready: Entry[] = [];
  const completed: Finished = new Map();
  const failed: Finished = new Map();
  const schedules = new Map<string, Schedule>();
  const idleWaiters: Array<() => void> = [];

  let generatedIds = 0;
  let activeCount = 0;
  let concurrency: number = queueDefaults.concurrency;
  let started = false;
  let stopping = false;
  let closing: Promise<void> | undefined;

  function prune(finished: Finished, keep: { ageMs: number; count: number }, now: number): void {
    for (const [id, { at }] of finished) {
      if (finished.size <= keep.count && now - at < keep.ageMs) break;
      finished.delete(id);
    }
  }

  function pruneFinished(): void {
    const now = Date.now();
    prune(completed, queueDefaults.keepCompleted, now);
    prune(failed, queueDefaults.keepFailed, now);
  }

  function isRetained(id: string): boolean {
    pruneFinished();
    return pending.has(id) || completed.has(id) || failed.has(id);
  }

  function enqueue(entry: Entry): void {
    entry.state = "waiting";
    entry.timer = undefined;
    ready.push(entry);
    pump();
  }

  function delay(entry: Entry, ms: number): void {
    entry.state = "delayed";
    // unref: a pending retry alone must not keep the process (or a test run) alive
    entry.timer = setTimeout(() => enqueue(entry), ms).unref();
  }

  function pump(): void {
    while (started && !stopping && activeCount < concurrency && ready.length > 0) {
      void run(ready.shift()!);
    }
  }

  function finish(entry: Entry, outcome: "completed" | "failed", error?: unknown): void {
    pending.delete(entry.id);
    const record: FinishedJob = { at: Date.now(), entry };
    if (outcome === "failed") record.error = error instanceof Error ? error.message : String(error);
    (outcome === "completed" ? completed : failed).set(entry.id, record);
  }

  async function run(entry: Entry): Promise<void> {
    entry.state = "active";
    activeCount += 1;
    const attempt = entry.attemptsMade + 1;
    const fields = { jobId: entry.id, job: entry.name, attempt, maxAttempts: entry.maxAttempts };
    try {
      const handler = handlers.get(entry.name);
      if (!handler) throw new PermanentJobError(`no handler registered for job "${entry.name}"`);
      await handler({ id: entry.id, name: entry.name, data: entry.data as never, attempt, maxAttempts: entry.maxAttempts });
      finish(entry, "completed");
    } catch (err) {
      entry.attemptsMade = attempt;
      if (!(err instanceof PermanentJobError) && attempt < entry.maxAttempts) {
        const waitMs = backoffDelay(entry.backoff, attempt);
        log.warn({ ...fields, err, retryInMs: waitMs }, "job attempt failed");
        delay(entry, waitMs);
      } else {
        log.error({ ...fields, err }, "job failed");
        finish(entry, "failed", err);
      }
    } finally {
      activeCount -= 1;
      if (activeCount === 0) idleWaiters.splice(0).forEach((wake) => wake());
      pump();
    }
  }

  function createEntry(id: string, name: string, data: unknown, addOptions: AddOptions): Entry {
    const entry: Entry = {
      id,
      name,
      // Round-trip through JSON like BullMQ does, so a handler sees the same data on both
      // drivers (dates become strings, class instances lose their methods, no shared references).
      data: data === undefined ? {} : JSON.parse(JSON.stringify(data)),
      attemptsMade: 0,
      maxAttempts: addOptions.attempts ?? defaultAttempts,
      backoff: addOptions.backoff ?? defaultBackoff,
      state: "waiting",
    };
    pending.set(id, entry);
    return entry;
  }

  function assertOpen(): void {
    if (closing) throw new QueueUnavailableError("queue is closed");
  }

  function fire(schedule: Schedule): void {
    schedule.timer = undefined;
    if (stopping) return;
    const previous = schedule.pendingJobId ? pending.get(schedule.pendingJobId) : undefined;
    if (previous?.state !== "waiting") {
      const id = `repeat-${schedule.id}-${schedule.nextDue}`;
      schedule.pendingJobId = id;
      enqueue(createEntry(id, schedule.jobName, schedule.data, {}));
    }
    // Due times advance from the previous due time, not from now, so timer lateness never
    // accumulates; runs missed while the process was busy are skipped, as BullMQ does.
    const now = Date.now();
    schedule.nextDue += schedule.everyMs;
    if (schedule.nextDue <= now) {
      schedule.nextDue += Math.ceil((now - schedule.nextDue + 1) / schedule.everyMs) * schedule.everyMs;
    }
    arm(schedule);
  }

  function arm(schedule: Schedule): void {
    schedule.timer = setTimeout(() => fire(schedule), Math.max(0, schedule.nextDue - Date.now())).unref();
  }

  function dropWaiting(id: string | undefined): void {
    const entry = id ? pending.get(id) : undefined;
    if (entry?.state !== "waiting") return;
    ready.splice(ready.indexOf(entry), 1);
    pending.delete(entry.id);
  }

  const queue: Queue = {
    driver: "memory",

    async add<T>(name: string, data: T, addOptions: AddOptions = {}): Promise<AddResult> {
      assertOpen();
      assertAddOptions(addOptions);
      const id = addOptions.jobId ?? String(++generatedIds);
      if (isRetained(id)) return { id, added: false };
      const entry = createEntry(id, name, data, addOptions);
      if (addOptions.delayMs) delay(entry, addOptions.delayMs);
      else enqueue(entry);
      return { id, added: true };
    },

    register<T>(name: string, handler: JobHandler<T>): void {
      if (handlers.has(name)) throw new Error(`a handler for job "${name}" is already registered`);
      handlers.set(name, handler as JobHandler<never>);
    },

    async schedule(scheduleId: string, jobName: string, scheduleOptions: ScheduleOptions): Promise<void> {
      assertOpen();
      assertQueueId("schedule id", scheduleId);
      const { everyMs } = scheduleOptions;
      if (!(Number.isInteger(everyMs) && everyMs > 0)) throw new Error(`everyMs must be a positive integer, got ${everyMs}`);
      const data = JSON.parse(JSON.stringify(scheduleOptions.data ?? {}));
      const existing = schedules.get(scheduleId);
      if (existing && existing.everyMs === everyMs) {
        // Same rhythm: keep the timer, but the iteration not yet started takes the new template.
        existing.jobName = jobName;
        existing.data = data;
        const next = existing.pendingJobId ? pending.get(existing.pendingJobId) : undefined;
        if (next?.state === "waiting") Object.assign(next, { name: jobName, data });
        return;
      }
      if (existing) {
        clearTimeout(existing.timer);
        dropWaiting(existing.pendingJobId);
      }
      const schedule: Schedule = { id: scheduleId, jobName, data, everyMs, nextDue: Date.now() };
      schedules.set(scheduleId, schedule);
      arm(schedule);
    },

    async unschedule(scheduleId: string): Promise<void> {
      clearTimeout(schedules.get(scheduleId)?.timer);
      schedules.delete(scheduleId);
    },

    async start(startOptions: { concurrency?: number } = {}): Promise<void> {
      assertOpen();
      concurrency = Math.max(1, startOptions.concurrency ?? concurrency);
      started = true;
      pump();
    },

    close(): Promise<void> {
      closing ??= (async () => {
        stopping = true;
        if (activeCount > 0) {
          let timer: NodeJS.Timeout | undefined;
          const finished = await Promise.race([
            new Promise<true>((resolve) => idleWaiters.push(() => resolve(true))),
            new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), closeTimeoutMs))),
          ]);
          clearTimeout(timer);
          if (!finished) log.warn({ activeJobs: activeCount, closeTimeoutMs }, "queue closed with jobs still running");
        }
        for (const entry of pending.values()) clearTimeout(entry.timer);
        for (const schedule of schedules.values()) clearTimeout(schedule.timer);
      })();
      return closing;
    },

    async overview(overviewOptions = {}): Promise<QueueOverview> {
      pruneFinished();
      const total = emptyCounts();
      const byName: Record<string, JobCounts> = {};
      const count = (name: string, state: keyof JobCounts) => {
        total[state] += 1;
        (byName[name] ??= emptyCounts())[state] += 1;
      };
      for (const entry of pending.values()) count(entry.name, entry.state);
      for (const { entry } of completed.values()) count(entry.name, "completed");
      for (const { entry } of failed.values()) count(entry.name, "failed");
      const recentFailed: FailedJobInfo[] = [...failed.values()]
        .reverse()
        .slice(0, overviewOptions.failedLimit ?? 20)
        .map(({ at, entry, error }) => ({ id: entry.id, name: entry.name, error: error ?? "", attemptsMade: entry.attemptsMade, failedAt: new Date(at) }));
      return { total, byName, recentFailed };
    },

    async retryFailed(name: string): Promise<number> {
      assertOpen();
      let moved = 0;
      for (const [id, { entry }] of [...failed]) {
        if (entry.name !== name) continue;
        failed.delete(id);
        entry.attemptsMade = 0;
        pending.set(id, entry);
        enqueue(entry);
        moved += 1;
      }
      return moved;
    },

    async health(): Promise<QueueHealth> {
      if (closing) return { ok: false, driver: "memory", error: "queue is closed" };
      pruneFinished();
      const states = [...pending.values()].map((entry) => entry.state);
      return {
        ok: true,
        driver: "memory",
        waiting: states.filter((state) => state === "waiting").length,
        delayed: states.filter((state) => state === "delayed").length,
        active: activeCount,
        failed: failed.size,
      };
    },
  };
  return queue;
}
