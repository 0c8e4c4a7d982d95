import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import type { StoredDelivery, WebhookRegistry } from "../../src/github/inbox/webhook-registry.js";
import { createBullQueue } from "../../src/queue/create-bull-queue.js";
import { sendWebhook, webhookExample } from "../helpers/github-webhooks.js";
import { startTestApp, silentLog, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

interface DeliveryRow {
  delivery_id: string;
  event: string;
  action: string | null;
  status: string;
  attempts: number;
  error: string | null;
  installation_id: number | string | null;
  processed_at: Date | null;
}

let db: Db;
const apps: TestApp[] = [];

beforeEach(async () => {
  db = await createTestDb();
});

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await db.close();
});

const deliveries = (): Promise<DeliveryRow[]> => db.knex("webhook_deliveries").select("*").orderBy("id");
const deliveryStatus = async (deliveryId: string) =>
  (await db.knex("webhook_deliveries").where({ delivery_id: deliveryId }).first()) as DeliveryRow | undefined;

async function start(options: Parameters<typeof startTestApp>[0]) {
  const app = await startTestApp(options);
  apps.push(app);
  return app;
}

describe("the webhook inbox, over real HTTP with real signatures", () => {
  it("when a delivery arrives twice, it is stored once, processed once by the worker and marked processed", async () => {
    const seen: StoredDelivery[] = [];
    const app = await start({
      db,
      queue: createTestQueue(silentLog),
      deps: { webhookHandlers: (registry) => registry.on("issues.opened", async (delivery) => void seen.push(delivery)) },
    });
    const payload: Record<string, unknown> = { ...webhookExample("issues", "opened"), installation: { id: 4242 } };

    const first = await sendWebhook(app.baseUrl, "issues", payload);
    const second = await sendWebhook(app.baseUrl, "issues", payload, { deliveryId: first.deliveryId });
    expect([first.status, second.status]).toEqual([200, 200]);

    const row = await waitFor(async () => {
      const r = await deliveryStatus(first.deliveryId);
      return r?.status === "processed" ? r : undefined;
    }, 10_000, "delivery processed");
    expect(await deliveries()).toHaveLength(1);
    expect(row).toMatchObject({ event: "issues", action: "opened", attempts: 1, error: null });
    expect(Number(row.installation_id)).toBe(4242);
    expect(row.processed_at).toBeInstanceOf(Date);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ deliveryId: first.deliveryId, event: "issues", action: "opened", installationId: 4242 });
    expect((seen[0]!.payload.issue as { number: number }).number).toBe((payload.issue as { number: number }).number);
  });

  it("deliveries arriving at the same time, some of them repeats, are each stored and processed exactly once", async () => {
    const seen: string[] = [];
    const app = await start({
      db,
      queue: createTestQueue(silentLog),
      deps: { webhookHandlers: (registry) => registry.on("issues.opened", async (delivery) => void seen.push(delivery.deliveryId)) },
    });
    const payload = webhookExample("issues", "opened");
    const ids = Array.from({ length: 40 }, (_, i) => `concurrent-${i}`);
    // Every id twice, all in flight together: the inbox stores them in shared statements.
    const sent = await Promise.all([...ids, ...ids].map((deliveryId) => sendWebhook(app.baseUrl, "issues", payload, { deliveryId })));
    expect(sent.every((s) => s.status === 200)).toBe(true);
    await waitFor(async () => (await deliveries()).every((row) => row.status === "processed") && seen.length >= ids.length, 20_000, "all processed");
    expect((await deliveries()).map((row) => row.delivery_id).sort()).toEqual([...ids].sort());
    expect([...seen].sort()).toEqual([...ids].sort());
  });

  it("a wrong or missing signature is rejected and stores nothing", async () => {
    const app = await start({ db, queue: createTestQueue(silentLog) });
    const payload = webhookExample("issues", "opened");
    const wrongSecret = await sendWebhook(app.baseUrl, "issues", payload, { secret: "not-the-secret" });
    const missing = await sendWebhook(app.baseUrl, "issues", payload, { signature: null });
    const garbage = await sendWebhook(app.baseUrl, "issues", payload, { signature: "sha256=zzz" });
    expect([wrongSecret.status, missing.status, garbage.status]).toEqual([400, 400, 400]);
    expect(await deliveries()).toHaveLength(0);
  });

  it("an event no domain handles is recorded and skipped with the reason", async () => {
    const app = await start({ db, queue: createTestQueue(silentLog) });
    const sent = await sendWebhook(app.baseUrl, "star", webhookExample("star", "created"));
    expect(sent.status).toBe(200);
    const row = await waitFor(async () => {
      const r = await deliveryStatus(sent.deliveryId);
      return r?.status === "skipped" ? r : undefined;
    }, 10_000, "delivery skipped");
    expect(row.error).toBe("no handler for star.created");
  });

  it("a handler that fails is retried, and the delivery ends processed with its attempts counted", async () => {
    let calls = 0;
    const app = await start({
      db,
      queue: createTestQueue(silentLog),
      deps: {
        webhookRetry: { attempts: 3, backoffMs: 20 },
        webhookHandlers: (registry) =>
          registry.on("issues", async () => {
            calls += 1;
            if (calls === 1) throw new Error("database hiccup");
          }),
      },
    });
    const sent = await sendWebhook(app.baseUrl, "issues", webhookExample("issues", "labeled"));
    const row = await waitFor(async () => {
      const r = await deliveryStatus(sent.deliveryId);
      return r?.status === "processed" ? r : undefined;
    }, 10_000, "delivery processed after a retry");
    expect(row.attempts).toBe(2);
    expect(row.error).toBeNull();
  });

  it("a handler that keeps failing leaves the delivery failed with its error", async () => {
    const app = await start({
      db,
      queue: createTestQueue(silentLog),
      deps: {
        webhookRetry: { attempts: 2, backoffMs: 20 },
        webhookHandlers: (registry) =>
          registry.on("issues", async () => {
            throw new Error("the issue body could not be parsed");
          }),
      },
    });
    const sent = await sendWebhook(app.baseUrl, "issues", webhookExample("issues", "opened"));
    const row = await waitFor(async () => {
      const r = await deliveryStatus(sent.deliveryId);
      return r?.status === "failed" ? r : undefined;
    }, 10_000, "delivery failed");
    expect(row.attempts).toBe(2);
    expect(row.error).toBe("the issue body could not be parsed");
  });

  it("with the worker stopped and the queue flushed after the ack, the sweeper still gets the delivery processed", async () => {
    const seen: string[] = [];
    const handlers = (registry: WebhookRegistry) =>
      registry.on("issues", async (delivery) => void seen.push(delivery.deliveryId));

    // A web-only instance: it acknowledges and enqueues, but nothing consumes its queue.
    const webQueue = createTestQueue(silentLog);
    const web = await start({ db, queue: webQueue, env: { ROLE: "web" }, deps: { webhookHandlers: handlers } });
    const sent = await sendWebhook(web.baseUrl, "issues", webhookExample("issues", "opened"));
    expect(sent.status).toBe(200);
    expect((await deliveryStatus(sent.deliveryId))?.status).toBe("pending");

    // Lose every queued job: the test queue's close removes all of its Redis keys.
    await webQueue.close();

    // A worker starting later, on an empty queue, finds the delivery through the database.
    await start({ db, queue: createTestQueue(silentLog), env: { ROLE: "worker" }, deps: { webhookHandlers: handlers, sweepPendingAfterMs: 0 } });
    await waitFor(async () => (await deliveryStatus(sent.deliveryId))?.status === "processed", 10_000, "swept delivery processed");
    expect(seen).toEqual([sent.deliveryId]);
  });

  it("when the queue is down at delivery time, the delivery is still acknowledged and kept for the sweeper", async () => {
    const downQueue = createBullQueue({ redisUrl: "redis://127.0.0.1:1", prefix: "down", log: silentLog });
    const app = await start({ db, queue: downQueue, env: { ROLE: "web" } });
    const sent = await sendWebhook(app.baseUrl, "issues", webhookExample("issues", "opened"));
    expect(sent.status).toBe(200);
    expect((await deliveryStatus(sent.deliveryId))?.status).toBe("pending");
  });

  it("GitHub's ping is processed", async () => {
    const app = await start({ db, queue: createTestQueue(silentLog) });
    const sent = await sendWebhook(app.baseUrl, "ping", webhookExample("ping"));
    expect(sent.status).toBe(200);
    await waitFor(async () => (await deliveryStatus(sent.deliveryId))?.status === "processed", 10_000, "ping processed");
  });
});
