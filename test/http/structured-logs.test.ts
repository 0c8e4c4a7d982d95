import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { sendWebhook, webhookExample } from "../helpers/github-webhooks.js";
import { silentLog, startTestApp, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

type Line = Record<string, unknown> & { msg?: string };

const lines: Line[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const text of chunk.toString("utf8").split("\n")) if (text.trim()) lines.push(JSON.parse(text) as Line);
    done();
  },
});

let db: Db;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  app = await startTestApp({ db, queue: createTestQueue(silentLog), deps: { log: pino({ level: "debug" }, sink) } });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe("structured logs", () => {
  it("gives every request line its request id, and every delivery line its delivery id (a delivery logs as a delivery, not as a request)", async () => {
    const response = await fetch(`${app.baseUrl}/api/health`, { headers: { "x-request-id": "probe-request-0001" } });
    expect(response.headers.get("x-request-id")).toBe("probe-request-0001");
    await fetch(`${app.baseUrl}/api/issues/not-a-number`);
    const { deliveryId } = await sendWebhook(app.baseUrl, "ping", webhookExample("ping"));
    await waitFor(async () => lines.some((l) => l.msg === "webhook processed" && l.deliveryId === deliveryId), 10_000, "the delivery to be processed");

    const requests = lines.filter((l) => l.msg === "request");
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.filter((l) => l.path === "/api/github/webhooks")).toEqual([]);
    for (const line of requests) {
      expect(line.reqId, JSON.stringify(line)).toEqual(expect.any(String));
      expect(line).toMatchObject({ method: expect.any(String), path: expect.any(String), status: expect.any(Number), ms: expect.any(Number) });
    }
    expect(requests).toContainEqual(expect.objectContaining({ reqId: "probe-request-0001", path: "/api/health", status: 200 }));

    const deliveryLines = lines.filter((l) => typeof l.msg === "string" && /^webhook/.test(l.msg) && l.component === "inbox");
    expect(deliveryLines.map((l) => l.msg)).toEqual(expect.arrayContaining(["webhook accepted", "webhook processed"]));
    for (const line of deliveryLines.filter((l) => l.msg !== "webhook sweeper re-enqueued deliveries" && l.msg !== "webhooks stored but not enqueued")) {
      expect(line.deliveryId, JSON.stringify(line)).toBe(deliveryId);
      expect(line.event).toBe("ping");
    }
    // The handler's own line (the ping handler) carries the delivery id too.
    expect(lines).toContainEqual(expect.objectContaining({ msg: "webhook ping", deliveryId }));
  });

  it("says why a delivery was refused, with its delivery id", async () => {
    const response = await fetch(`${app.baseUrl}/api/github/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": "refused-delivery-1", "x-hub-signature-256": "sha256=00" },
      body: "{}",
    });
    expect(response.status).toBe(400);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: "webhook refused", level: 40, status: 400, code: "invalid_signature", deliveryId: "refused-delivery-1", component: "receiver" }),
    );
  });
});
