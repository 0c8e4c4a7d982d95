import { afterEach, beforeEach, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { createWebhookInbox, deliveryRowIdsOf, PROCESS_DELIVERY_JOB, type ProcessDeliveryData } from "../../src/github/inbox/create-webhook-inbox.js";
import { createWebhookRegistry, type WebhookRegistry } from "../../src/github/inbox/webhook-registry.js";
import type { Queue } from "../../src/queue/types.js";
import { silentLog, waitFor } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

// Deliveries stored by one INSERT are enqueued as one job, after the sender has its answer. A
// delivery failing inside a batch must neither stop its neighbours nor make them run twice.

let db: Db;
let queue: Queue;
let registry: WebhookRegistry;
const jobs: number[][] = [];

beforeEach(async () => {
  db = await createTestDb();
  queue = createTestQueue(silentLog);
  registry = createWebhookRegistry();
  jobs.length = 0;
});

afterEach(async () => {
  await queue.close();
  await db.close();
});

function startInbox() {
  const inbox = createWebhookInbox({ knex: db.knex, queue, registry, log: silentLog, retry: { attempts: 3, backoffMs: 10 } });
  queue.register<ProcessDeliveryData>(PROCESS_DELIVERY_JOB, async (job) => {
    jobs.push(deliveryRowIdsOf(job.data));
    await inbox.process(deliveryRowIdsOf(job.data), { attempt: job.attempt, maxAttempts: job.maxAttempts });
  });
  return inbox;
}

const rows = () => db.knex("webhook_deliveries").orderBy("id").select<Array<{ id: number; delivery_id: string; status: string; attempts: number }>>("id", "delivery_id", "status", "attempts");

it("deliveries stored together are one job; one that fails does not hold back the rest, and its retry runs only what is left", async () => {
  const calls = new Map<string, number>();
  registry.on("issues", async (delivery) => {
    const n = (calls.get(delivery.deliveryId) ?? 0) + 1;
    calls.set(delivery.deliveryId, n);
    if (delivery.deliveryId === "batch-9" && n === 1) throw new Error("a passing hiccup");
  });
  const inbox = startInbox();

  // Twelve at once: one INSERT is in flight, so the later deliveries share the next statement.
  const ids = Array.from({ length: 12 }, (_, i) => `batch-${i}`);
  expect(await Promise.all(ids.map((deliveryId) => inbox.accept({ deliveryId, event: "issues", payload: { action: "opened" } })))).toEqual(ids.map(() => true));
  await inbox.settle();
  const overview = await queue.overview();
  expect(overview.total.waiting, "fewer jobs than deliveries").toBeLessThan(ids.length);
  expect(overview.total.waiting).toBeGreaterThan(0);

  await queue.start();
  await waitFor(async () => (await rows()).every((row) => row.status === "processed"), 10_000, "every delivery processed");

  // Each delivery's handler ran once, the failing one twice (its retry), and nothing else again.
  expect(Object.fromEntries(calls)).toEqual(Object.fromEntries(ids.map((id) => [id, id === "batch-9" ? 2 : 1])));
  const stored = await rows();
  // (rows are numbered in the order their INSERTs ran, which concurrent batches need not keep)
  expect(Object.fromEntries(stored.map((row) => [row.delivery_id, row.attempts]))).toEqual(Object.fromEntries(ids.map((id) => [id, id === "batch-9" ? 2 : 1])));
  // Every row travelled in exactly one first job; the failing one's job ran again.
  const batches = jobs.filter((job, i) => jobs.findIndex((other) => other.join() === job.join()) === i);
  expect(batches.flat().sort((a, b) => a - b)).toEqual(stored.map((row) => Number(row.id)));
  expect(batches.some((batch) => batch.length > 1), "a job carried several deliveries").toBe(true);
  expect(jobs.length).toBe(batches.length + 1);
});

it("a job queued one delivery at a time, as before batches, is still processed", async () => {
  const handled: string[] = [];
  registry.on("issues", async (delivery) => void handled.push(delivery.deliveryId));
  startInbox();
  const [row] = await db
    .knex("webhook_deliveries")
    .insert({ delivery_id: "queued-by-an-older-version", event: "issues", action: "opened", payload: JSON.stringify({ action: "opened" }) })
    .returning("id");
  await queue.add<ProcessDeliveryData>(PROCESS_DELIVERY_JOB, { deliveryRowId: Number(row.id) } as ProcessDeliveryData, { jobId: `delivery-${row.id}` });
  await queue.start();
  await waitFor(async () => handled.length === 1, 10_000, "the old job to be processed");
  expect(handled).toEqual(["queued-by-an-older-version"]);
});

it("acknowledges a stored delivery without waiting for the queue", async () => {
  registry.on("issues", async () => {});
  // A queue that never answers: the acknowledgement must not wait on it.
  const stuck: Queue = { ...queue, add: () => new Promise(() => {}) };
  const inbox = createWebhookInbox({ knex: db.knex, queue: stuck, registry, log: silentLog });
  const accepted = await Promise.race([
    inbox.accept({ deliveryId: "while-redis-hangs", event: "issues", payload: { action: "opened" } }),
    new Promise((resolve) => setTimeout(() => resolve("timed out"), 5_000)),
  ]);
  expect(accepted).toBe(true);
  expect((await rows()).map((row) => row.status)).toEqual(["pending"]);
});

it.skipIf(!process.env.DATABASE_URL)("a statement stalled on the database does not hold up the deliveries behind it", async () => {
  const inbox = startInbox();
  // Another session holds an uncommitted row with the first delivery's id: PostgreSQL makes our
  // INSERT of that id wait for the session's outcome, as a stalled statement would.
  const other = await db.knex.transaction();
  try {
    await other("webhook_deliveries").insert({ delivery_id: "stalled", event: "issues", action: "opened", payload: "{}" });
    let stalledDone = false;
    const stalled = inbox.accept({ deliveryId: "stalled", event: "issues", payload: { action: "opened" } }).finally(() => (stalledDone = true));
    await new Promise((resolve) => setTimeout(resolve, 20));

    const behind = Promise.all(["behind-1", "behind-2"].map((deliveryId) => inbox.accept({ deliveryId, event: "issues", payload: { action: "opened" } })));
    const answered = await Promise.race([behind, new Promise<"still waiting">((resolve) => setTimeout(() => resolve("still waiting"), 3_000))]);
    expect(answered, "deliveries behind the stalled statement").toEqual([true, true]);
    expect(stalledDone).toBe(false);

    await other.rollback();
    expect(await stalled).toBe(true);
  } finally {
    if (!other.isCompleted()) await other.rollback();
  }
  await inbox.settle();
  expect((await rows()).map((r) => r.delivery_id).sort()).toEqual(["behind-1", "behind-2", "stalled"]);
});
