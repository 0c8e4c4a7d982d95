import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commentEvent, issueEvent, pullRequestEvent } from "../fixtures/github/derived-payloads.js";
import { sendWebhook, TEST_WEBHOOK_SECRET, testPrivateKey } from "../helpers/github-webhooks.js";
import {
  faultServicesMissing,
  startIlluminateProcess,
  startPostgres,
  startRedis,
  waitFor,
  type IlluminateProcess,
  type PostgresServer,
  type RedisServer,
} from "./services.js";

// 1,000 signed deliveries to a web process while one worker is SIGKILLed mid-stream and Redis is
// killed (coming back empty, as it keeps nothing on disk) and restarted. Every delivery must be
// processed, and none twice in effect: the rows they produce are counted in the database.

const missing = faultServicesMissing();

const ISSUES = 700;
const COMMENTS = 200;
const MERGED = 100;

type Delivery = [event: string, payload: Record<string, unknown>];

function buildDeliveries(): Delivery[] {
  const deliveries: Delivery[] = [];
  for (let i = 0; i < ISSUES; i++) {
    deliveries.push(["issues", issueEvent({ action: "opened", minute: i % 60, id: 1_000_000 + i, number: 1000 + i, labels: ["bug"] })]);
  }
  for (let i = 0; i < COMMENTS; i++) {
    // Comments on issues that were opened earlier in the stream; each comment is its own.
    const number = 1000 + i;
    deliveries.push([
      "issue_comment",
      commentEvent({ action: "created", commentId: 5_000_000 + i, body: "Thanks, I can reproduce this.", author: `reader${i}`, minute: 59, issue: { id: 1_000_000 + i, number } }),
    ]);
  }
  for (let i = 0; i < MERGED; i++) {
    deliveries.push([
      "pull_request",
      pullRequestEvent({ action: "closed", minute: 30, id: 9_000_000 + i, number: 5000 + i, body: "A small fix.", merged: true, author: `contributor${i % 10}` }),
    ]);
  }
  // Interleave the kinds so every phase of the fault sequence sees all of them.
  return deliveries.map((d, i) => [i, d] as const).sort((a, b) => ((a[0] * 7919) % 1000) - ((b[0] * 7919) % 1000)).map(([, d]) => d);
}

describe.skipIf(missing !== null)("fault injection: Redis and a worker killed while 1,000 deliveries arrive", () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let databaseUrl: string;
  const processes: IlluminateProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    postgres = await startPostgres();
    redis = await startRedis();
    databaseUrl = await postgres.createDatabase(`illuminate_faults_${randomBytes(3).toString("hex")}`);
    env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      APP_ID: "1",
      PRIVATE_KEY: testPrivateKey,
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      INBOX_SWEEP_SECONDS: "2",
      INBOX_STALE_SECONDS: "6",
      ...(process.env.FAULTS_DEBUG ? { LOG_LEVEL: "info" } : {}),
    };
    // The web process migrates first; the workers then start against the migrated database.
    processes.push(await startIlluminateProcess({ ...env, ROLE: "web" }));
    processes.push(await startIlluminateProcess({ ...env, ROLE: "worker" }));
    processes.push(await startIlluminateProcess({ ...env, ROLE: "worker" }));
  }, 120_000);

  afterAll(async () => {
    if (process.env.FAULTS_DEBUG) for (const [i, child] of processes.entries()) (await import("node:fs")).writeFileSync(`${process.env.FAULTS_DEBUG}/proc-${i}.log`, child.output());
    for (const child of processes) await child.stop().catch(() => undefined);
    await redis?.stop();
    await postgres?.destroy();
  }, 60_000);

  it("processes every delivery exactly once in effect", async () => {
    const [web, firstWorker] = processes as [IlluminateProcess, IlluminateProcess, IlluminateProcess];
    const deliveries = buildDeliveries();
    const statuses: number[] = [];
    let next = 0;
    const faults = new Map<number, () => Promise<void>>([
      [200, () => firstWorker.kill()],
      [300, async () => void processes.push(await startIlluminateProcess({ ...env, ROLE: "worker" }))],
      // Redis comes back empty: the jobs it held and the sweeper's schedule are gone, and no
      // process restarts to register them again.
      [450, () => redis.kill()],
      [600, () => redis.start()],
    ]);

    // Eight senders, like GitHub's parallel deliveries; the faults happen between deliveries.
    const sender = async () => {
      while (next < deliveries.length) {
        const index = next++;
        const fault = faults.get(index);
        if (fault) await fault();
        const [event, payload] = deliveries[index]!;
        const sent = await sendWebhook(web.baseUrl, event, payload);
        statuses.push(sent.status);
      }
    };
    const startedAt = Date.now();
    await Promise.all(Array.from({ length: 8 }, sender));
    const sentAt = Date.now();
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const count = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
      await waitFor(
        "every delivery to be processed",
        async () => (await count("select count(*) as n from webhook_deliveries where status in ('processed', 'skipped')")) === deliveries.length,
        150_000,
        500,
      ).catch(async (error: unknown) => {
        const byStatus = await client.query("select status, count(*) from webhook_deliveries group by status");
        throw new Error(`${error instanceof Error ? error.message : String(error)}; deliveries by status: ${JSON.stringify(byStatus.rows)}`);
      });

      const doneAt = Date.now();
      const retried = await count("select count(*) as n from webhook_deliveries where attempts > 1");
      console.log(
        `faults: ${deliveries.length} deliveries sent in ${((sentAt - startedAt) / 1000).toFixed(1)} s through a worker kill and a Redis restart; ` +
          `all processed ${((doneAt - sentAt) / 1000).toFixed(1)} s after the last one; ${retried} needed more than one attempt`,
      );
      expect(await count("select count(*) as n from webhook_deliveries")).toBe(deliveries.length);
      expect(await count("select count(*) as n from issues where id >= 1000000 and id < 2000000")).toBe(ISSUES);
      expect(await count("select count(*) as n from issue_comments where id >= 5000000 and id < 6000000")).toBe(COMMENTS);
      expect(await count("select count(*) as n from pull_requests where merged_at is not null")).toBe(MERGED);
      expect(await count("select count(*) as n from contribution_events")).toBe(MERGED);
    } finally {
      await client.end();
    }
  }, 300_000);
});
