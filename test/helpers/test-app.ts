import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { loadConfig, type Config } from "../../src/config.js";
import { createIlluminate, type Illuminate, type IlluminateDeps } from "../../src/create-illuminate.js";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import { TEST_WEBHOOK_SECRET, testPrivateKey } from "./github-webhooks.js";

export const silentLog = pino({ level: "silent" });

/** Probot's Octokit without retries or throttling, so a faked GitHub answers exactly once. */
export const TestOctokit = ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } });

export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    APP_ID: "123",
    PRIVATE_KEY: testPrivateKey,
    WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    GITHUB_CLIENT_ID: "Iv1.testclient",
    GITHUB_CLIENT_SECRET: "test-client-secret",
    // Test files share one Redis and the address 127.0.0.1, so the request quotas would count every
    // file's requests together; test/http/rate-limits.test.ts sets its own.
    RATE_LIMITS: "auth=1000000/60,public=1000000/60,api=1000000/60,generate=1000000/3600",
    ...env,
  });
}

export interface TestApp {
  illuminate: Illuminate;
  baseUrl: string;
  close(): Promise<void>;
}

/** A whole Illuminate on an ephemeral port, on the given database and queue (both real). */
export async function startTestApp(options: {
  db: Db;
  queue: Queue;
  env?: Record<string, string | undefined>;
  deps?: Partial<IlluminateDeps>;
}): Promise<TestApp> {
  const illuminate = await createIlluminate(testConfig(options.env), {
    log: silentLog,
    db: options.db,
    queue: options.queue,
    Octokit: TestOctokit,
    web: (_req, res) => {
      res.status(200).type("text/plain").send("dashboard");
    },
    ...options.deps,
  });
  const server = await illuminate.listen(0, "127.0.0.1");
  const { port } = server.address() as AddressInfo;
  return { illuminate, baseUrl: `http://127.0.0.1:${port}`, close: () => illuminate.close() };
}

/** Polls until the check passes; for outcomes that happen on a worker, never a fixed sleep. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
