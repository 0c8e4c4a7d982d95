import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { sendWebhook, webhookExample } from "../helpers/github-webhooks.js";
import { startTestApp, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestLanedQueue } from "../helpers/test-queue.js";

const ADMIN_TOKEN = "admin-token-for-tests-0123456789";
const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };

let db: Db;
let app: TestApp;
let broken: boolean;
let runs: number;

beforeEach(async () => {
  db = await createTestDb();
  broken = true;
  runs = 0;
  app = await startTestApp({
    db,
    // Lanes, as the product's queue has them (docs/architecture.md, "Lanes").
    queue: createTestLanedQueue(),
    env: { ADMIN_TOKEN },
    deps: {
      // One attempt, so a failing delivery is left failed at once for the operator to see.
      webhookRetry: { attempts: 1, backoffMs: 10 },
      webhookHandlers: (registry) =>
        registry.on("star.created", async () => {
          runs += 1;
          if (broken) throw new Error("the star handler is broken");
        }),
    },
  });
});

afterEach(async () => {
  await app?.close();
  await db?.close();
});

const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
  fetch(`${app.baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const deliveryRow = (deliveryId: string) => db.knex("webhook_deliveries").where({ delivery_id: deliveryId }).first();

/** A star delivery, sent like GitHub sends it, left failed by the broken handler. */
async function failedStar(): Promise<{ id: number; deliveryId: string }> {
  const sent = await sendWebhook(app.baseUrl, "star", webhookExample("star", "created"));
  expect(sent.status).toBe(200);
  const row = await waitFor(async () => {
    const r = await deliveryRow(sent.deliveryId);
    return r?.status === "failed" ? r : undefined;
  });
  return { id: Number(row.id), deliveryId: sent.deliveryId };
}

describe("operator endpoints need the admin token", () => {
  it("answer 401 without a token or with a wrong one, in the standard error shape", async () => {
    const attempts: Array<[string, string]> = [
      ["GET", "/api/admin/inbox"],
      ["POST", "/api/admin/inbox/1/redeliver"],
      ["GET", "/api/admin/queues"],
      ["POST", "/api/admin/queues/webhooks.process/retry-failed"],
    ];
    for (const [method, path] of attempts) {
      for (const headers of [{}, { authorization: "Bearer not-the-token" }, { cookie: "illuminate_admin=forged" }] as Array<Record<string, string>>) {
        const response = await call(method, path, headers);
        expect(response.status, `${method} ${path}`).toBe(401);
        expect((await response.json()).error).toEqual({ code: "unauthorized", message: expect.any(String) });
      }
    }
  });

  it("the dashboard sign-in trades the right token for a cookie value that is not the token", async () => {
    expect((await call("POST", "/api/admin/session", {}, { token: "wrong" })).status).toBe(401);
    expect((await call("POST", "/api/admin/session", {}, {})).status).toBe(400);
    const answer = await (await call("POST", "/api/admin/session", {}, { token: ADMIN_TOKEN })).json();
    expect(answer.cookie).toMatchObject({ name: "illuminate_admin", path: "/admin", httpOnly: true, sameSite: "strict", secure: false });
    expect(answer.cookie.value).not.toContain(ADMIN_TOKEN);
    const withCookie = await call("GET", "/api/admin/inbox", { cookie: `other=1; illuminate_admin=${answer.cookie.value}` });
    expect(withCookie.status).toBe(200);
  });

  it("refuse bad parameters with 400 and an unknown delivery with 404", async () => {
    for (const path of ["/api/admin/inbox?status=lost", "/api/admin/inbox?cursor=-1", "/api/admin/inbox?event=DROP%20TABLE", "/api/admin/inbox?limit=1000", "/api/admin/queues?failed=0"]) {
      const response = await call("GET", path, bearer);
      expect(response.status, path).toBe(400);
      expect((await response.json()).error.code).toBe("invalid_request");
    }
    expect((await call("POST", "/api/admin/inbox/abc/redeliver", bearer)).status).toBe(400);
    expect((await call("POST", `/api/admin/queues/${encodeURIComponent("bad name")}/retry-failed`, bearer)).status).toBe(400);
    const missing = await call("POST", "/api/admin/inbox/999999/redeliver", bearer);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("delivery_not_found");
  });
});

describe("the webhook inbox", () => {
  it("lists recent deliveries newest first, filters them, and pages with a cursor", async () => {
    const failed = await failedStar();
    const ping = await sendWebhook(app.baseUrl, "ping", webhookExample("ping"));
    await waitFor(async () => (await deliveryRow(ping.deliveryId))?.status === "processed");

    const all = await (await call("GET", "/api/admin/inbox", bearer)).json();
    expect(all.deliveries.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([ping.deliveryId, failed.deliveryId]);
    expect(all.deliveries[1]).toMatchObject({ id: failed.id, event: "star", action: "created", status: "failed", attempts: 1, error: "the star handler is broken", processedAt: null });
    expect(all.deliveries[1]).not.toHaveProperty("payload");
    expect(all.stats).toMatchObject({ failed: 1, processed: 1 });

    const onlyFailed = await (await call("GET", "/api/admin/inbox?status=failed", bearer)).json();
    expect(onlyFailed.deliveries.map((d: { id: number }) => d.id)).toEqual([failed.id]);
    const onlyPing = await (await call("GET", "/api/admin/inbox?event=ping", bearer)).json();
    expect(onlyPing.deliveries.map((d: { event: string }) => d.event)).toEqual(["ping"]);

    const first = await (await call("GET", "/api/admin/inbox?limit=1", bearer)).json();
    expect(first.deliveries).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await (await call("GET", `/api/admin/inbox?limit=1&cursor=${first.nextCursor}`, bearer)).json();
    expect(second.deliveries.map((d: { id: number }) => d.id)).toEqual([failed.id]);
    expect(second.nextCursor).toBeNull();
  });

  it("redelivering a failed delivery processes it again, once", async () => {
    const failed = await failedStar();
    expect(runs).toBe(1);
    broken = false;

    const first = await call("POST", `/api/admin/inbox/${failed.id}/redeliver`, bearer);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ requeued: true, delivery: { id: failed.id, status: "pending", error: null } });
    const row = await waitFor(async () => {
      const r = await deliveryRow(failed.deliveryId);
      return r?.status === "processed" ? r : undefined;
    });
    expect(row).toMatchObject({ error: null, attempts: 2 });
    expect(row.processed_at).toBeInstanceOf(Date);
    expect(runs).toBe(2);

    // Asking again once it has been processed changes nothing.
    const again = await call("POST", `/api/admin/inbox/${failed.id}/redeliver`, bearer);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ requeued: false, delivery: { status: "processed" } });
    expect(runs).toBe(2);
  });
});

describe("the job queue", () => {
  it("counts jobs per name, shows the failure, and retrying the failed jobs reprocesses the delivery", async () => {
    const failed = await failedStar();
    const before = await (await call("GET", "/api/admin/queues", bearer)).json();
    expect(before.driver).toBe(process.env.REDIS_URL ? "bullmq" : "memory");
    expect(before.jobs).toContainEqual(expect.objectContaining({ name: "webhooks.process", failed: 1 }));
    expect(before.total.failed).toBeGreaterThanOrEqual(1);
    // Deliveries run in the default lane; the others carry slower work and are empty here.
    expect(before.lanes.map((l: { lane: string }) => l.lane)).toEqual(["default", "requested", "background"]);
    expect(before.lanes[0]).toMatchObject({ lane: "default", failed: 1 });
    expect(before.lanes[2]).toMatchObject({ lane: "background", failed: 0, waiting: 0 });
    expect(before.recentFailed).toContainEqual(expect.objectContaining({ name: "webhooks.process", error: "the star handler is broken", attemptsMade: 1 }));

    broken = false;
    const retry = await call("POST", "/api/admin/queues/webhooks.process/retry-failed", bearer);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ name: "webhooks.process", retried: 1 });
    await waitFor(async () => (await deliveryRow(failed.deliveryId))?.status === "processed");
    expect(runs).toBe(2);
    const after = await (await call("GET", "/api/admin/queues", bearer)).json();
    expect(after.jobs).toContainEqual(expect.objectContaining({ name: "webhooks.process", failed: 0 }));
    expect(await (await call("POST", "/api/admin/queues/webhooks.process/retry-failed", bearer)).json()).toEqual({ name: "webhooks.process", retried: 0 });
  });
});
