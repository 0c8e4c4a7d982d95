import type { Logger } from "pino";
import type { Db } from "../db/types.js";
import type { WebhookInbox } from "../github/inbox/create-webhook-inbox.js";
import { enqueueHealthScore } from "../issues/issue-jobs.js";
import type { Queue } from "../queue/types.js";
import { createSampleContributor } from "./create-sample-contributor.js";
import { deliverSample, toSignedDelivery } from "./deliver-sample.js";
import { DEFAULT_SAMPLE_ISSUES, generateSampleDeliveries } from "./generate-sample-deliveries.js";
import { SAMPLE_REPOSITORIES } from "./sample-catalog.js";
import { setSampleMarker } from "./sample-marker.js";

export interface SampleLoaderDeps {
  db: Db;
  queue: Queue;
  inbox: WebhookInbox;
  log: Logger;
  now: () => Date;
}

export interface LoadSampleOptions {
  /** issues in the sample (default 240; tests use a few dozen) */
  issues?: number;
  seed?: number;
  /** give up waiting for the workers after this long (default 10 minutes) */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface SampleLoadResult {
  deliveries: number;
  accepted: number;
  failed: number;
  userId: number;
  ms: number;
}

/** deliveries sent before waiting for the workers to catch up */
const BATCH = 20;

export class SampleLoadTimeoutError extends Error {
  override name = "SampleLoadTimeoutError";
}

// Often enough that batches follow each other closely, rarely enough to leave the embedded
// database's single connection to the requests the server answers meanwhile.
const POLL_MS = 100;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });

async function until(check: () => Promise<boolean>, options: { deadline: number; what: string; signal?: AbortSignal }): Promise<void> {
  for (;;) {
    options.signal?.throwIfAborted();
    if (await check()) return;
    if (Date.now() > options.deadline) throw new SampleLoadTimeoutError(`timed out waiting for ${options.what}`);
    await sleep(POLL_MS, options.signal);
  }
}

/**
 * Loads the sample the way GitHub would fill a fresh install: every delivery is signed, verified
 * and stored by the webhook inbox, and the queue's workers index it with the same jobs as real
 * deliveries. Nothing here writes an issue, a pull request or a contribution. Only what GitHub
 * cannot send is added directly, through the users domain: the sample contributor's account and
 * the skill profile they would type in on the skills page. Needs a running worker on `queue`.
 */
export async function loadSampleData(deps: SampleLoaderDeps, options: LoadSampleOptions = {}): Promise<SampleLoadResult> {
  const { db, queue, inbox, log, now } = deps;
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 10 * 60_000);
  const issues = options.issues ?? DEFAULT_SAMPLE_ISSUES;
  const deliveries = generateSampleDeliveries({ now: now(), issues, seed: options.seed }).map((d) => toSignedDelivery(d));
  await setSampleMarker(db.knex, "loading", { issues, deliveries: deliveries.length, now: now() });
  log.info({ deliveries: deliveries.length, issues }, "loading sample data");
  try {
    const before = await inbox.stats();
    const doneBefore = before.processed + before.failed + before.skipped;
    let accepted = 0;
    let failed = 0;
    // The installation first and alone, so every repository event after it finds it live; then the
    // rest a batch at a time, each processed before the next is sent, as GitHub spreads deliveries
    // over time: the queue never holds the whole backlog, and the waits between batches give the
    // server's requests their turn on the embedded database's single connection.
    for (let i = 0; i < deliveries.length; ) {
      const size = i === 0 ? 1 : BATCH;
      accepted += await deliverSample(inbox, deliveries.slice(i, i + size), { signal: options.signal });
      i += size;
      await until(
        async () => {
          const stats = await inbox.stats();
          failed = stats.failed - before.failed;
          return stats.pending === 0 && stats.processed + stats.failed + stats.skipped - doneBefore >= accepted;
        },
        { deadline, what: "the webhook inbox to process the sample", signal: options.signal },
      );
    }

    const userId = await createSampleContributor(db, now());
    // What a finished backfill would ask for: a health score for each repository now that it has history.
    for (const repo of SAMPLE_REPOSITORIES) await enqueueHealthScore(queue, repo.id, `sample-${+now()}`);
    await until(
      async () => {
        const health = await queue.health();
        return (health.waiting ?? 0) === 0 && (health.active ?? 0) === 0;
      },
      { deadline, what: "the follow-up jobs", signal: options.signal },
    );

    await setSampleMarker(db.knex, "loaded", { now: now() });
    const result = { deliveries: deliveries.length, accepted, failed, userId, ms: Date.now() - started };
    log.info(result, "sample data loaded");
    return result;
  } catch (error) {
    const aborted = options.signal?.aborted ?? false;
    // Stopped by a shutdown: stay "loading", so the next start picks up where this one stopped.
    if (!aborted) await setSampleMarker(db.knex, "failed", { error: error instanceof Error ? error.message : String(error), now: now() }).catch(() => undefined);
    throw error;
  }
}
