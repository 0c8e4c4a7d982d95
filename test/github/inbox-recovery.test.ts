import { afterEach, beforeEach, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { createWebhookInbox, deliveryRowIdsOf, PROCESS_DELIVERY_JOB, type ProcessDeliveryData, type WebhookInbox } from "../../src/github/inbox/create-webhook-inbox.js";
import { claimDelivery } from "../../src/github/inbox/inbox-store.js";
import { createWebhookRegistry } from "../../src/github/inbox/webhook-registry.js";
import type { Queue } from "../../src/queue/types.js";
import { silentLog, waitFor } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

// A worker that dies while processing a delivery leaves its row "processing". The queue retries
// the job elsewhere, finds the row held, and completes it as a no-op; the queue then remembers
// that job id as completed. Once the row is presumed orphaned, the sweeper must still get it
// processed, which it cannot do under the old job id.

let db: Db;
let queue: Queue;
let inbox: WebhookInbox;
const handled: string[] = [];
const jobRuns: string[] = [];

beforeEach(async () => {
  db = await createTestDb();
  queue = createTestQueue(silentLog);
  const registry = createWebhookRegistry();
  registry.on("issues", async (delivery) => void handled.push(delivery.deliveryId));
  inbox = createWebhookInbox({ knex: db.knex, queue, registry, log: silentLog, staleProcessingAfterMs: 60_000, retry: { attempts: 2, backoffMs: 10 } });
  queue.register<ProcessDeliveryData>(PROCESS_DELIVERY_JOB, async (job) => {
    await inbox.process(deliveryRowIdsOf(job.data), { attempt: job.attempt, maxAttempts: job.maxAttempts });
    jobRuns.push(job.id);
  });
  handled.length = 0;
  jobRuns.length = 0;
});

afterEach(async () => {
  await queue.close();
  await db.close();
});

it("a delivery orphaned by a dead worker is processed once the sweeper finds it stale", async () => {
  await inbox.accept({ deliveryId: "orphaned-1", event: "issues", payload: { action: "opened" } });
  const row = await db.knex("webhook_deliveries").where({ delivery_id: "orphaned-1" }).first("id");
  // The worker that dies: it claims the delivery and never finishes it.
  expect(await claimDelivery(db.knex, Number(row.id), 60_000)).not.toBeNull();

  await queue.start();
  await waitFor(async () => jobRuns.length === 1, 10_000, "the first job to finish as a no-op");
  expect(handled).toEqual([]);

  // Time passes: the claim is older than the stale threshold.
  await db.knex("webhook_deliveries").where({ id: row.id }).update({ updated_at: db.knex.raw("now() - interval '5 minutes'") });
  expect(await inbox.sweep()).toBe(1);
  await waitFor(async () => (await db.knex("webhook_deliveries").where({ id: row.id }).first("status")).status === "processed", 10_000, "the delivery to be processed");
  expect(handled).toEqual(["orphaned-1"]);

  // Done is done: another sweep finds nothing.
  expect(await inbox.sweep()).toBe(0);
});

it("a delivery stored while the queue was unreachable keeps its first job id, so a waiting job is not doubled", async () => {
  await inbox.accept({ deliveryId: "waiting-1", event: "issues", payload: { action: "opened" } });
  await inbox.settle(); // the job is added just after the acknowledgement
  // Its job is still waiting (no worker yet); the sweeper must not add a second one.
  expect(await inbox.sweep({ pendingForMs: 0 })).toBe(0);
  await queue.start();
  await waitFor(async () => jobRuns.length === 1, 10_000, "the delivery's job to finish");
  expect(handled).toEqual(["waiting-1"]);
  expect(jobRuns).toHaveLength(1);
});
