import type { Knex } from "knex";
import type { Logger } from "pino";
import type { Queue } from "../../queue/types.js";
import { createGroupCommit } from "./group-commit.js";
import { getDeliverySummary, reopenDelivery, type DeliverySummary } from "./inbox-admin-store.js";
import { claimDelivery, finishDelivery, getInboxStats, insertDeliveries, listOverdueDeliveries, type InboxStats, type NewDelivery } from "./inbox-store.js";
import type { WebhookRegistry } from "./webhook-registry.js";

export const PROCESS_DELIVERY_JOB = "webhooks.process";
export const SWEEP_DELIVERIES_JOB = "webhooks.sweep";

/** One job per stored batch: its rows, processed in order. */
export interface ProcessDeliveryData {
  deliveryRowIds: number[];
  /** a job queued by a version that enqueued deliveries one by one */
  deliveryRowId?: number;
}

/** The rows a delivery job carries, whichever version queued it. */
export const deliveryRowIdsOf = (data: ProcessDeliveryData): number[] => data.deliveryRowIds ?? (data.deliveryRowId === undefined ? [] : [data.deliveryRowId]);

export interface WebhookInboxOptions {
  knex: Knex;
  queue: Queue;
  registry: WebhookRegistry;
  log: Logger;
  /** a delivery still pending after this long is re-enqueued by the sweeper (default 60 s) */
  sweepPendingAfterMs?: number;
  /** a delivery `processing` for this long is presumed orphaned by a dead worker (default 10 min) */
  staleProcessingAfterMs?: number;
  /** attempts per delivery and the first backoff (default 5, exponential from 2 s) */
  retry?: { attempts: number; backoffMs: number };
  /** told each delivery's fate, for metrics: accepted, duplicate, processed, skipped, retrying, failed */
  onOutcome?: (event: string, outcome: "accepted" | "duplicate" | "processed" | "skipped" | "retrying" | "failed") => void;
}

export interface AcceptedDelivery {
  deliveryId: string;
  event: string;
  payload: Record<string, unknown>;
  /** the payload's JSON exactly as delivered, stored as is when given (else `payload` is serialized) */
  body?: string;
}

export interface WebhookInbox {
  /**
   * Store a verified delivery once, then enqueue it without waiting. Returns false for a repeat.
   * Resolves once the delivery is stored; never loses a stored delivery if the queue is down.
   */
  accept(delivery: AcceptedDelivery): Promise<boolean>;
  /**
   * Job handler: for each row in turn, load it, dispatch it to the registered domain handlers and
   * record the outcome. One delivery failing does not stop the others; the call then throws, and
   * the job's retry takes up only what is not processed yet.
   */
  process(deliveryRowIds: number[], attempt: { attempt: number; maxAttempts: number }): Promise<void>;
  /** Re-enqueue deliveries that should have been processed by now. Returns how many. */
  sweep(options?: { pendingForMs?: number }): Promise<number>;
  stats(): Promise<InboxStats>;
  /** Waits until every accepted delivery has been handed to the queue (or found it down): before the queue closes. */
  settle(): Promise<void>;
  /**
   * An operator's "process this again": a failed or skipped delivery goes back to pending and is
   * enqueued under a fresh job id (the old one may still be retained as failed). Repeating the
   * call changes nothing once it is pending or processed. Null for an unknown delivery.
   */
  redeliver(deliveryRowId: number): Promise<{ delivery: DeliverySummary; requeued: boolean } | null>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const numberOrNull = (value: unknown) => (typeof value === "number" ? value : null);
const jobIdFor = (rowId: number) => `delivery-${rowId}`;
// A row id is the first of exactly one batch, so this names the batch uniquely; a batch of one
// keeps the single delivery's id, the one the sweeper uses.
const batchJobIdFor = (rowIds: number[]) => (rowIds.length === 1 ? jobIdFor(rowIds[0]!) : `deliveries-${rowIds[0]}-${rowIds.length}`);

export function createWebhookInbox(options: WebhookInboxOptions): WebhookInbox {
  const { knex, queue, registry, log } = options;
  const outcome = options.onOutcome ?? (() => {});
  const sweepPendingAfterMs = options.sweepPendingAfterMs ?? 60_000;
  const staleAfterMs = options.staleProcessingAfterMs ?? 10 * 60_000;
  const retry = options.retry ?? { attempts: 5, backoffMs: 2_000 };

  const enqueue = (rowIds: number[], jobId = batchJobIdFor(rowIds)) =>
    queue.add<ProcessDeliveryData>(PROCESS_DELIVERY_JOB, { deliveryRowIds: rowIds }, { jobId, attempts: retry.attempts, backoff: { type: "exponential", delayMs: retry.backoffMs } });

  // Enqueueing follows the answer instead of preceding it: a committed row is already safe (the
  // sweeper enqueues whatever the queue missed), so GitHub never waits on Redis. A batch stored
  // together is one job: one queue round trip and one job for the worker to take, not one each.
  const enqueuing = new Set<Promise<void>>();
  const enqueueStored = (rowIds: number[]) => {
    const enqueued = enqueue(rowIds).then(() => undefined, (error: unknown) => {
      log.warn({ err: error, deliveries: rowIds.length }, "webhooks stored but not enqueued");
    });
    enqueuing.add(enqueued);
    void enqueued.finally(() => enqueuing.delete(enqueued));
  };

  // Deliveries arriving together share one INSERT, and then one job. One batch is in flight at a
  // time: the deliveries arriving meanwhile form the next one, so under load each statement carries
  // several (allowing four in flight made batches of 1.7 on average and cost a third more CPU per
  // delivery; docs/index-and-health.md). A statement still unanswered after 50 ms (a lost packet, a
  // stalled server process) does not hold the deliveries behind it: they go in another beside it, up
  // to four. Each caller is answered only after its row is committed, so an acknowledgement still
  // means "stored".
  const store = createGroupCommit<NewDelivery, number | null>(async (deliveries) => {
    const rowIds = await insertDeliveries(knex, deliveries);
    const fresh = rowIds.filter((id): id is number => id !== null);
    if (fresh.length > 0) enqueueStored(fresh);
    return rowIds;
  }, { hedgeAfterMs: 50, maxConcurrency: 4 });

  async function processOne(deliveryRowId: number, { attempt, maxAttempts }: { attempt: number; maxAttempts: number }): Promise<void> {
    const delivery = await claimDelivery(knex, deliveryRowId, staleAfterMs);
    if (!delivery) return; // already done, or another worker holds it
    const deliveryLog = log.child({ deliveryId: delivery.deliveryId, event: delivery.event, action: delivery.action });
    const handlers = registry.handlersFor(delivery.event, delivery.action);
    if (handlers.length === 0) {
      await finishDelivery(knex, delivery.id, "skipped", `no handler for ${delivery.event}${delivery.action ? `.${delivery.action}` : ""}`);
      deliveryLog.debug("webhook skipped");
      outcome(delivery.event, "skipped");
      return;
    }
    try {
      for (const handler of handlers) await handler(delivery, { log: deliveryLog });
    } catch (error) {
      const last = attempt >= maxAttempts;
      await finishDelivery(knex, delivery.id, last ? "failed" : "pending", messageOf(error).slice(0, 2000));
      outcome(delivery.event, last ? "failed" : "retrying");
      throw error;
    }
    await finishDelivery(knex, delivery.id, "processed");
    deliveryLog.info("webhook processed");
    outcome(delivery.event, "processed");
  }

  return {
    async accept({ deliveryId, event, payload, body }) {
      const rowId = await store({
        deliveryId,
        event,
        action: typeof payload.action === "string" ? payload.action : null,
        installationId: numberOrNull((payload.installation as { id?: unknown } | undefined)?.id),
        repositoryId: numberOrNull((payload.repository as { id?: unknown } | undefined)?.id),
        payload: body ?? JSON.stringify(payload),
      });
      if (rowId === null) {
        log.info({ deliveryId, event }, "webhook repeat ignored");
        outcome(event, "duplicate");
        return false;
      }
      log.info({ deliveryId, event }, "webhook accepted");
      outcome(event, "accepted");
      return true;
    },

    async process(deliveryRowIds, attempt) {
      const failures: unknown[] = [];
      for (const rowId of deliveryRowIds) {
        try {
          await processOne(rowId, attempt);
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new AggregateError(failures, `${failures.length} of ${deliveryRowIds.length} deliveries failed; the first: ${messageOf(failures[0])}`);
    },

    async sweep(sweepOptions = {}) {
      const overdue = await listOverdueDeliveries(knex, {
        pendingForMs: sweepOptions.pendingForMs ?? sweepPendingAfterMs,
        staleAfterMs,
        limit: 500,
      });
      let enqueued = 0;
      for (const { id, attempts } of overdue) {
        // A delivery never claimed keeps its first job id, so a job still waiting in the queue is
        // not doubled. One claimed by a worker that died has a job the queue may remember as
        // completed (its retry found the row still "processing"): it needs an id of its own.
        const result = attempts === 0 ? await enqueue([id]) : await enqueue([id], `${jobIdFor(id)}-attempt-${attempts}`);
        if (result.added) enqueued += 1;
      }
      if (enqueued > 0) log.warn({ enqueued }, "webhook sweeper re-enqueued deliveries");
      return enqueued;
    },

    stats: () => getInboxStats(knex),

    async settle() {
      while (enqueuing.size > 0) await Promise.all(enqueuing);
    },

    async redeliver(deliveryRowId) {
      const reopened = await reopenDelivery(knex, deliveryRowId);
      if (reopened) {
        try {
          await enqueue([deliveryRowId], `${jobIdFor(deliveryRowId)}-again-${reopened.updatedAt.getTime()}`);
        } catch (error) {
          // Left pending, the sweeper might re-add it under its first job id, which the queue may
          // still hold as failed: put it back as failed so the operator can try again.
          await finishDelivery(knex, deliveryRowId, "failed", `redelivery could not be queued: ${error instanceof Error ? error.message : String(error)}`.slice(0, 2000));
          throw error;
        }
        log.info({ deliveryId: reopened.deliveryId, event: reopened.event }, "webhook redelivered");
        return { delivery: reopened, requeued: true };
      }
      const delivery = await getDeliverySummary(knex, deliveryRowId);
      return delivery ? { delivery, requeued: false } : null;
    },
  };
}
