import { Queue as BullQueue, UnrecoverableError, Worker, type Job as BullJob, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { assertAddOptions, assertQueueId } from "./assert-add-options.js";
import { PermanentJobError, QueueUnavailableError } from "./errors.js";
import { queueDefaults } from "./queue-defaults.js";
import type { AddOptions, AddResult, BackoffOptions, JobCounts, JobHandler, Queue, QueueHealth, QueueOverview, ScheduleOptions } from "./types.js";

export interface BullQueueOptions {
  redisUrl: string;
  /** Redis key prefix (default "illuminate"); one prefix per deployment sharing a Redis. */
  prefix?: string;
  /** BullMQ queue name (default "jobs"); every job name added to this driver shares it (`createQueue` makes one per lane). */
  queueName?: string;
  log: Logger;
  /** attempts for jobs added without `attempts` (default 3) */
  defaultAttempts?: number;
  /** backoff for jobs added without `backoff` (default exponential from 1 s) */
  defaultBackoff?: BackoffOptions;
  /** how long `close()` waits for active jobs before dropping the connections (they are then retried as stalled) */
  closeTimeoutMs?: number;
  /** how long `add` and `schedule` wait for a first connection at boot before failing */
  connectWaitMs?: number;
  /** upper bound for `health()` */
  healthTimeoutMs?: number;
}

const CONNECTION_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE", "EHOSTUNREACH", "EAI_AGAIN"]);
const CONNECTION_ERROR_MESSAGE = /Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|Command timed out|ECONNREFUSED|ETIMEDOUT/;

function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (typeof code === "string" && CONNECTION_ERROR_CODES.has(code)) || CONNECTION_ERROR_MESSAGE.test(err.message);
}

function toBullBackoff(backoff: BackoffOptions): { type: BackoffOptions["type"]; delay: number } {
  return { type: backoff.type, delay: backoff.delayMs };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * BullMQ driver: one queue for every job name, one worker (after `start`) that dispatches on the
 * job name. Scheduled jobs use BullMQ job schedulers, so any number of workers may register them.
 */
/** Only defined keys: an explicit undefined would override the queue's default job options. */
function toJobOptions(addOptions: AddOptions): JobsOptions {
  const jobOptions: JobsOptions = {};
  if (addOptions.jobId !== undefined) jobOptions.jobId = addOptions.jobId;
  if (addOptions.delayMs) jobOptions.delay = addOptions.delayMs;
  if (addOptions.attempts !== undefined) jobOptions.attempts = addOptions.attempts;
  if (addOptions.backoff) jobOptions.backoff = toBullBackoff(addOptions.backoff);
  return jobOptions;
}

export function createBullQueue(options: BullQueueOptions): Queue {
  const { redisUrl, log } = options;
  const prefix = options.prefix ?? "illuminate";
  const queueName = options.queueName ?? "jobs";
  const closeTimeoutMs = options.closeTimeoutMs ?? queueDefaults.closeTimeoutMs;
  const connectWaitMs = options.connectWaitMs ?? 1000;
  const healthTimeoutMs = options.healthTimeoutMs ?? 1500;

  const handlers = new Map<string, JobHandler<never>>();
  let redisDown = false;
  let producerEverReady = false;
  let worker: Worker | undefined;
  let workerConnection: Redis | undefined;
  let closing: Promise<void> | undefined;

  // An outage makes every connection emit an error on each reconnect attempt: say it once,
  // and say when it is over.
  const onError = (err: Error) => {
    if (!isConnectionError(err)) {
      log.error({ err }, "queue error");
      return;
    }
    if (redisDown) return;
    redisDown = true;
    log.warn({ err }, "redis unreachable");
  };
  // What this process scheduled, so it can schedule it again: a Redis that restarts empty (it
  // need keep nothing on disk) has lost its job schedulers, and only a worker's start adds them.
  const schedules = new Map<string, { jobName: string; options: ScheduleOptions }>();
  const onReady = () => {
    if (!redisDown) return;
    redisDown = false;
    log.info("redis reachable again");
  };

  // The producer sits on request paths (webhooks, API): with no offline queue and a command
  // timeout, an outage fails the call at once instead of holding the request open.
  const producer = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 5000,
    connectTimeout: 5000,
  });
  producer.on("error", onError);
  producer.on("ready", () => {
    const reconnected = producerEverReady;
    producerEverReady = true;
    onReady();
    if (reconnected) void reassertSchedules();
  });

  const queue = new BullQueue(queueName, {
    connection: producer,
    prefix,
    // The version check runs once at connect; if Redis dropped during it, this queue would stay
    // broken until restart. The worker still checks the version.
    skipVersionCheck: true,
    defaultJobOptions: {
      attempts: options.defaultAttempts ?? queueDefaults.attempts,
      backoff: toBullBackoff(options.defaultBackoff ?? queueDefaults.backoff),
      // Retention doubles as the dedupe window for job ids (see AddOptions.jobId).
      removeOnComplete: { age: queueDefaults.keepCompleted.ageMs / 1000, count: queueDefaults.keepCompleted.count },
      removeOnFail: { age: queueDefaults.keepFailed.ageMs / 1000, count: queueDefaults.keepFailed.count },
    },
  });
  queue.on("error", onError);

  async function whenProducerReady(): Promise<void> {
    if (closing) throw new QueueUnavailableError("queue is closed");
    if (producer.status === "ready") return;
    // Only the first connection at boot is waited for, and only until it fails; during an
    // outage callers fail at once.
    if (producerEverReady || redisDown) throw new QueueUnavailableError(`redis is unreachable (connection ${producer.status})`);
    await new Promise<void>((resolve, reject) => {
      const settle = (err?: Error) => {
        clearTimeout(timer);
        producer.off("ready", settle);
        producer.off("error", settle);
        if (err) reject(new QueueUnavailableError("redis is unreachable", { cause: err }));
        else resolve();
      };
      const timer = setTimeout(() => settle(new Error(`no connection after ${connectWaitMs} ms`)), connectWaitMs);
      producer.once("ready", settle);
      producer.once("error", settle);
    });
  }

  function upsertSchedule(scheduleId: string, jobName: string, scheduleOptions: ScheduleOptions) {
    return queue.upsertJobScheduler(scheduleId, { every: scheduleOptions.everyMs }, { name: jobName, data: scheduleOptions.data ?? {} });
  }

  async function reassertSchedules(): Promise<void> {
    if (closing || schedules.size === 0) return;
    try {
      await whenProducerReady();
      for (const [scheduleId, { jobName, options: scheduleOptions }] of schedules) await upsertSchedule(scheduleId, jobName, scheduleOptions);
      log.info({ schedules: schedules.size }, "job schedules registered again after the outage");
    } catch (err) {
      // The producer went down again; its next "ready" tries again.
      log.warn({ err }, "could not register job schedules again");
    }
  }

  function toUnavailable(err: unknown): unknown {
    return isConnectionError(err) ? new QueueUnavailableError("redis is unreachable", { cause: err }) : err;
  }

  async function processJob(job: BullJob): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    const fields = { jobId: job.id, job: job.name, attempt, maxAttempts };
    const handler = handlers.get(job.name);
    if (!handler) {
      log.error(fields, "job failed: no handler registered");
      throw new UnrecoverableError(`no handler registered for job "${job.name}"`);
    }
    try {
      await handler({ id: job.id ?? "", name: job.name, data: job.data as never, attempt, maxAttempts });
    } catch (err) {
      const permanent = err instanceof PermanentJobError;
      if (permanent || attempt >= maxAttempts) log.error({ ...fields, err }, "job failed");
      else log.warn({ ...fields, err }, "job attempt failed");
      if (permanent) throw new UnrecoverableError(err.message);
      throw err instanceof Error ? err : new Error(String(err));
    }
  }

  return {
    driver: "bullmq",

    async add<T>(name: string, data: T, addOptions: AddOptions = {}): Promise<AddResult> {
      assertAddOptions(addOptions);
      await whenProducerReady();
      try {
        const job = await queue.add(name, data, toJobOptions(addOptions));
        const id = job.id ?? "";
        if (addOptions.jobId === undefined) return { id, added: true };
        // BullMQ returns the existing job on a duplicate id without saying so; the stored
        // timestamp tells whose job it is (two adds in the same millisecond both say added).
        const storedTimestamp = await producer.hget(queue.toKey(id), "timestamp");
        return { id, added: storedTimestamp === null || Number(storedTimestamp) === job.timestamp };
      } catch (err) {
        throw toUnavailable(err);
      }
    },

    register<T>(name: string, handler: JobHandler<T>): void {
      if (handlers.has(name)) throw new Error(`a handler for job "${name}" is already registered`);
      handlers.set(name, handler as JobHandler<never>);
    },

    async schedule(scheduleId: string, jobName: string, scheduleOptions: ScheduleOptions): Promise<void> {
      assertQueueId("schedule id", scheduleId);
      const { everyMs } = scheduleOptions;
      if (!(Number.isInteger(everyMs) && everyMs > 0)) throw new Error(`everyMs must be a positive integer, got ${everyMs}`);
      schedules.set(scheduleId, { jobName, options: scheduleOptions });
      await whenProducerReady();
      try {
        await upsertSchedule(scheduleId, jobName, scheduleOptions);
      } catch (err) {
        throw toUnavailable(err);
      }
    },

    async unschedule(scheduleId: string): Promise<void> {
      schedules.delete(scheduleId);
      await whenProducerReady();
      try {
        await queue.removeJobScheduler(scheduleId);
      } catch (err) {
        throw toUnavailable(err);
      }
    },

    async start(startOptions: { concurrency?: number } = {}): Promise<void> {
      if (closing) throw new QueueUnavailableError("queue is closed");
      if (worker) return;
      // BullMQ duplicates this client for its own (blocking) connections, so it never connects
      // itself. A worker must wait out an outage rather than fail commands: no retry limit.
      workerConnection = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
      worker = new Worker(queueName, processJob, {
        connection: workerConnection,
        prefix,
        concurrency: Math.max(1, startOptions.concurrency ?? queueDefaults.concurrency),
      });
      worker.on("error", onError);
      worker.on("ready", onReady);
      // A job whose worker died repeatedly never reaches processJob, so it is reported here.
      worker.on("failed", (job, err) => {
        if (err.message === "job stalled more than allowable limit") log.error({ jobId: job?.id, job: job?.name, err }, "job failed");
      });
    },

    close(): Promise<void> {
      closing ??= (async () => {
        if (worker) {
          // While Redis is down, finished jobs cannot be recorded and a graceful close would wait for
          // it: close at once instead, and their stalled jobs are retried by the next worker.
          const closed = worker.close(redisDown).then(() => true);
          if (!(await withTimeout(closed, closeTimeoutMs, "close timeout").catch(() => false))) {
            log.warn({ closeTimeoutMs }, "queue closed with jobs still running; they will be retried as stalled");
            // Not awaited: ioredis never reports the end of a connection dropped while reconnecting.
            worker.disconnect().catch(() => undefined);
          }
        }
        await queue.close().catch((err: unknown) => log.warn({ err }, "closing the queue failed"));
        if (producer.status === "ready") await producer.quit().catch(() => producer.disconnect());
        else producer.disconnect();
        workerConnection?.disconnect();
      })();
      return closing;
    },

    async overview(overviewOptions = {}): Promise<QueueOverview> {
      await whenProducerReady();
      const scanLimit = overviewOptions.scanLimit ?? 1000;
      const states = ["waiting", "active", "delayed", "failed", "completed"] as const;
      try {
        const counts = await queue.getJobCounts(...states);
        const total = Object.fromEntries(states.map((state) => [state, counts[state] ?? 0])) as unknown as JobCounts;
        const byName: Record<string, JobCounts> = {};
        // One BullMQ queue carries every job name, so per-name figures come from reading the jobs.
        for (const state of states) {
          const jobs = await queue.getJobs([state], 0, scanLimit - 1);
          for (const job of jobs) {
            if (!job) continue;
            byName[job.name] ??= { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };
            byName[job.name]![state] += 1;
          }
        }
        const failed = await queue.getFailed(0, (overviewOptions.failedLimit ?? 20) - 1);
        const recentFailed = failed
          .filter((job): job is BullJob => Boolean(job))
          .map((job) => ({
            id: job.id ?? "",
            name: job.name,
            error: job.failedReason ?? "",
            attemptsMade: job.attemptsMade,
            failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
          }));
        return { total, byName, recentFailed };
      } catch (err) {
        throw toUnavailable(err);
      }
    },

    async retryFailed(name: string): Promise<number> {
      await whenProducerReady();
      let moved = 0;
      try {
        // retryJobs would move every name at once; an operator retries one kind of job.
        const failed = await queue.getFailed(0, queueDefaults.keepFailed.count - 1);
        for (const job of failed) {
          if (!job || job.name !== name) continue;
          await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
          moved += 1;
        }
      } catch (err) {
        throw toUnavailable(err);
      }
      return moved;
    },

    async health(): Promise<QueueHealth> {
      try {
        const counts = await withTimeout(
          (async () => {
            await whenProducerReady();
            await producer.ping();
            return queue.getJobCounts("waiting", "delayed", "active", "failed");
          })(),
          healthTimeoutMs,
          `no answer from redis within ${healthTimeoutMs} ms`,
        );
        return { ok: true, driver: "bullmq", waiting: counts.waiting, delayed: counts.delayed, active: counts.active, failed: counts.failed };
      } catch (err) {
        return { ok: false, driver: "bullmq", error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
