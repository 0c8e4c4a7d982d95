import { afterEach, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { sendWebhook, webhookExample } from "../helpers/github-webhooks.js";
import { startTestApp, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

let db: Db | undefined;
let app: TestApp | undefined;
let release: () => void = () => {};

afterEach(async () => {
  release();
  await app?.close();
  await db?.close();
});

/** Starts Illuminate whose `star.created` handler waits until released; answers how many are inside it. */
async function startWithSlowHandler(env: Record<string, string>) {
  db = await createTestDb();
  const released = new Promise<void>((resolve) => (release = resolve));
  const inside = { now: 0, most: 0 };
  app = await startTestApp({
    db,
    queue: createTestQueue(),
    env,
    deps: {
      webhookHandlers: (registry) =>
        registry.on("star.created", async () => {
          inside.now += 1;
          inside.most = Math.max(inside.most, inside.now);
          await released;
          inside.now -= 1;
        }),
    },
  });
  return inside;
}

const sendStar = async () => expect((await sendWebhook(app!.baseUrl, "star", webhookExample("star", "created"))).status).toBe(200);

it("with WORKER_CONCURRENCY=2, a second delivery is processed while the first is still in its handler", async () => {
  const inside = await startWithSlowHandler({ WORKER_CONCURRENCY: "2" });
  await sendStar();
  await waitFor(async () => inside.now === 1, 10_000, "the first delivery in its handler");
  await sendStar();
  await waitFor(async () => inside.now === 2, 10_000, "the second delivery in its handler too");
  release();
  await waitFor(async () => inside.now === 0, 10_000, "both finished");
});

it("by default, one job at a time: the second delivery waits for the first", async () => {
  const inside = await startWithSlowHandler({});
  await sendStar();
  await waitFor(async () => inside.now === 1, 10_000, "the first delivery in its handler");
  await sendStar();
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(inside.most).toBe(1);
  release();
  await waitFor(async () => Number((await db!.knex("webhook_deliveries").where({ status: "processed" }).count({ n: "*" }))[0]!.n) === 2, 10_000, "both processed");
  expect(inside.most).toBe(1);
});
