/**
 * The one job interface every domain uses. Two drivers implement it with the same semantics:
 * BullMQ on Redis (`createBullQueue`) and an in-process driver (`createMemoryQueue`).
 *
 * Delivery is at least once: a handler may run again after a crash or a forced shutdown, so
 * handlers must be idempotent (upsert on GitHub ids, check state before side effects).
 */

export interface BackoffOptions {
  /**
   * Wait before attempt n+1 (n = attempts already failed):
   * fixed → `delayMs`; exponential → `delayMs · 2^(n-1)` (delayMs, 2·delayMs, 4·delayMs, …).
   */
  type: "fixed" | "exponential";
  /** base delay in milliseconds */
  delayMs: number;
}

/**
 * Which worker lane runs a job. Each lane takes jobs in its own order with its own concurrency, so
 * a job never waits behind another lane's: webhook deliveries (`default`) are not held up by an
 * install's backfills or the crawler (`background`), nor by a deep dive someone asked for
 * (`requested`). A driver on its own has one lane; `createLanedQueue` gives one driver per lane.
 */
export type Lane = "default" | "requested" | "background";

export interface AddOptions {
  /**
   * The lane that runs the job (default `default`): by who waits for it, so the same job name may
   * go to different lanes. A `jobId` dedupes within its lane.
   */
  lane?: Lane;
  /**
   * Dedupe key: adding a job whose id is still retained is a no-op (`added: false`).
   * A job is retained while waiting, delayed or active, then for 1 hour after it completes
   * (at most the newest 1000 completed jobs) and 7 days after it finally fails (at most the
   * newest 5000 failed jobs). After that the same id may run again.
   * Must not contain `:` nor be all digits (BullMQ reserves those); anything else throws.
   */
  jobId?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Total attempts including the first (default 3). */
  attempts?: number;
  /** Wait between attempts (default exponential from 1 s: 1 s, 2 s, 4 s, …). */
  backoff?: BackoffOptions;
}


export interface Job<T = unknown> {
  id: string;
  name: string;
  data: T;
  /** 1 on the first try. */
  attempt: number;
  /** attempts allowed in total */
  maxAttempts: number;
}

/**
 * Resolve to succeed; throw to fail the attempt (retried with backoff while attempts remain);
 * throw `PermanentJobError` to fail the job at once.
 */
export type JobHandler<T = unknown> = (job: Job<T>) => Promise<void>;

export interface ScheduleOptions {
  /** the lane that runs the scheduled jobs (default `default`) */
  lane?: Lane;
  /**
   * Repeat every N milliseconds. The first run is due as soon as the schedule is registered
   * (or the worker starts), then every N ms; missed runs are skipped, not replayed.
   */
  everyMs: number;
  /** Data handed to each run. */
  data?: unknown;
}

export interface AddResult {
  id: string;
  /** false when a job with that id already existed */
  added: boolean;
}

export interface QueueHealth {
  ok: boolean;
  driver: "bullmq" | "memory";
  waiting?: number;
  delayed?: number;
  active?: number;
  /** failed jobs still retained (see `AddOptions.jobId`) */
  failed?: number;
  error?: string;
}

/** How many jobs are in each state; failed and completed count only jobs still retained. */
export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface FailedJobInfo {
  id: string;
  name: string;
  /** the last attempt's error message */
  error: string;
  attemptsMade: number;
  failedAt: Date | null;
}

export interface QueueOverview {
  total: JobCounts;
  /** per job name, from the newest `scanLimit` jobs of each state (exact below that) */
  byName: Record<string, JobCounts>;
  /** newest first */
  recentFailed: FailedJobInfo[];
  /** totals per lane, for a queue with lanes (`createLanedQueue`) */
  lanes?: Record<Lane, JobCounts>;
}

export interface Queue {
  readonly driver: "bullmq" | "memory";
  /**
   * Enqueue a job. Never waits long: when Redis is unreachable it rejects with
   * `QueueUnavailableError` at once (within a second while the first connection is being made),
   * so a request path can answer instead of hanging.
   */
  add<T>(name: string, data: T, options?: AddOptions): Promise<AddResult>;
  /** Register the handler for a job name. Call before `start`. A job with no handler fails permanently. */
  register<T>(name: string, handler: JobHandler<T>): void;
  /**
   * Idempotent: registering the same schedule id again updates its job name, data and interval,
   * never duplicates it — every worker may call it at boot.
   */
  schedule(scheduleId: string, jobName: string, options: ScheduleOptions): Promise<void>;
  /** Removes a schedule (no more runs; a run already queued still runs). Unknown ids are ignored. */
  unschedule(scheduleId: string): Promise<void>;
  /**
   * Start consuming jobs (worker role), `concurrency` at a time (default 1). Producers never call
   * it. Jobs added before wait until then.
   */
  start(options?: { concurrency?: number }): Promise<void>;
  /**
   * Stop taking new jobs, wait for active ones to finish (up to the driver's close timeout, 25 s
   * by default; not at all while Redis is unreachable), then release timers and connections.
   * Jobs cut short are retried later (BullMQ) or lost (memory). Safe to call more than once.
   */
  close(): Promise<void>;
  /** The operators' view: jobs per name and state, and the newest failures with their errors. */
  overview(options?: { failedLimit?: number; scanLimit?: number }): Promise<QueueOverview>;
  /**
   * Moves the retained failed jobs of one job name back to waiting, each with a fresh set of
   * attempts. Returns how many moved; a second call finds none left to move.
   */
  retryFailed(name: string): Promise<number>;
  /** Never throws and answers within a couple of seconds; `ok: false` with `error` when unhealthy. */
  health(): Promise<QueueHealth>;
}
