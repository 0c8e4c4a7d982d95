import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueEvent } from "../fixtures/github/derived-payloads.js";
import { sendWebhook, TEST_WEBHOOK_SECRET, testPrivateKey } from "../helpers/github-webhooks.js";
import {
  faultServicesMissing,
  sleep,
  startIlluminateProcess,
  startPostgres,
  startRedis,
  waitFor,
  type IlluminateProcess,
  type PostgresServer,
  type RedisServer,
} from "./services.js";

// PostgreSQL is shut down (immediate mode, cutting every connection) under a steady load of
// webhooks and API reads, and started again. While it is gone the web role must answer 503 with
// Retry-After, quickly, never 500 and never hang; afterwards it must recover by itself, and every
// delivery it acknowledged with 200 must be processed.

interface Outcome {
  at: number;
  kind: "webhook" | "api";
  status: number;
  ms: number;
  retryAfter: string | null;
  deliveryId?: string;
  body?: string;
}

describe.skipIf(faultServicesMissing() !== null)("fault injection: PostgreSQL restarted under load", () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let databaseUrl: string;
  let web: IlluminateProcess;
  let worker: IlluminateProcess;

  beforeAll(async () => {
    postgres = await startPostgres();
    redis = await startRedis();
    databaseUrl = await postgres.createDatabase(`illuminate_faults_${randomBytes(3).toString("hex")}`);
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      APP_ID: "1",
      PRIVATE_KEY: testPrivateKey,
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      INBOX_SWEEP_SECONDS: "2",
      INBOX_STALE_SECONDS: "6",
    };
    web = await startIlluminateProcess({ ...env, ROLE: "web" });
    worker = await startIlluminateProcess({ ...env, ROLE: "worker" });
  }, 120_000);

  afterAll(async () => {
    await web?.stop().catch(() => undefined);
    await worker?.stop().catch(() => undefined);
    await redis?.stop();
    await postgres?.destroy();
  }, 60_000);

  it("answers 503 for the gap, recovers, and loses nothing it acknowledged", async () => {
    const outcomes: Outcome[] = [];
    let stop = false;
    let issue = 0;

    const timed = async (kind: Outcome["kind"], send: () => Promise<{ status: number; headers?: Headers; deliveryId?: string; text?: string }>) => {
      const started = Date.now();
      try {
        const result = await send();
        outcomes.push({ at: started, kind, status: result.status, ms: Date.now() - started, retryAfter: result.headers?.get("retry-after") ?? null, deliveryId: result.deliveryId, body: result.text });
      } catch {
        outcomes.push({ at: started, kind, status: 0, ms: Date.now() - started, retryAfter: null });
      }
    };
    const webhookLoop = async () => {
      while (!stop) {
        const n = issue++;
        await timed("webhook", async () => {
          const sent = await sendWebhook(web.baseUrl, "issues", issueEvent({ action: "opened", minute: n % 60, id: 3_000_000 + n, number: 3000 + n }));
          return { status: sent.status, deliveryId: sent.deliveryId, text: sent.text };
        });
        await sleep(20);
      }
    };
    const apiLoop = async () => {
      while (!stop) {
        await timed("api", async () => {
          const response = await fetch(`${web.baseUrl}/api/stats`, { signal: AbortSignal.timeout(15_000) });
          return { status: response.status, headers: response.headers, text: await response.text() };
        });
        await sleep(50);
      }
    };
    const loops = [webhookLoop(), webhookLoop(), apiLoop()];

    await sleep(1500);
    const downAt = Date.now();
    await postgres.kill();
    await sleep(3000);
    await postgres.start();
    const upAt = Date.now();
    // Recovery: within a few seconds of the server's return, both kinds of request succeed again.
    await waitFor(
      "the web role to recover",
      async () => {
        const recent = outcomes.filter((o) => o.at > upAt + 500);
        return recent.some((o) => o.kind === "webhook" && o.status === 200) && recent.some((o) => o.kind === "api" && o.status === 200);
      },
      20_000,
    );
    await sleep(1000);
    stop = true;
    await Promise.all(loops);

    const during = outcomes.filter((o) => o.at > downAt + 200 && o.at + o.ms < upAt);
    const recoveredAt = Math.min(...outcomes.filter((o) => o.at > upAt && o.status === 200).map((o) => o.at));
    console.log(
      `faults: PostgreSQL down ${((upAt - downAt) / 1000).toFixed(1)} s; ${outcomes.filter((o) => o.status === 503).length} requests answered 503 ` +
        `(slowest ${Math.max(0, ...during.map((o) => o.ms))} ms), first success ${recoveredAt - upAt} ms after it was back; ` +
        `${outcomes.filter((o) => o.status === 200).length} answered 200`,
    );
    expect(during.length).toBeGreaterThan(10);
    // Never a 500, a dropped connection or a hang: 200 (stored before the cut) or 503 with Retry-After.
    const bad = outcomes.filter((o) => ![200, 503].includes(o.status) || o.ms > 10_000);
    expect(bad.map((o) => `${o.kind} ${o.status} after ${o.ms} ms: ${o.body?.slice(0, 200) ?? ""}`)).toEqual([]);
    expect(during.some((o) => o.status === 503)).toBe(true);
    expect(outcomes.filter((o) => o.status === 503).every((o) => o.retryAfter !== null || o.kind === "webhook")).toBe(true);

    // What was acknowledged is processed. What was refused with 503 GitHub redelivers; so does the test.
    const acknowledged = outcomes.filter((o) => o.kind === "webhook" && o.status === 200).map((o) => o.deliveryId!);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await waitFor(
        "every acknowledged delivery to be processed",
        async () => {
          const { rows } = await client.query<{ n: string }>("select count(*) as n from webhook_deliveries where delivery_id = any($1) and status = 'processed'", [acknowledged]);
          return Number(rows[0]!.n) === acknowledged.length;
        },
        60_000,
        500,
      );
    } finally {
      await client.end();
    }
  }, 180_000);
});
