import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { silentLog, startTestApp, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

/** The app's handler on a server of the test's own, so it still answers while Illuminate closes its own. */
async function sideDoor(app: TestApp): Promise<{ url: string; server: Server }> {
  const server = createServer(app.illuminate.app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("liveness and readiness", () => {
  let db: Db;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDb();
    app = await startTestApp({ db, queue: createTestQueue(silentLog) });
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it("answers live and ready while everything is up; /api/health keeps its shape", async () => {
    const live = await fetch(`${app.baseUrl}/api/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok" });

    const ready = await fetch(`${app.baseUrl}/api/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { shutdown: true, database: true, migrations: true, queue: true }, failed: [] });

    const health = await fetch(`${app.baseUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", database: { ok: true } });
  });

  it("turns not ready, then not live, as soon as close() begins", async () => {
    const door = await sideDoor(app);
    try {
      const closing = app.close();
      const ready = await fetch(`${door.url}/api/health/ready`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { status: string; failed: string[] };
      expect(body.status).toBe("not_ready");
      expect(body.failed).toContain("shutdown");
      const live = await fetch(`${door.url}/api/health/live`);
      expect(live.status).toBe(503);
      expect(await live.json()).toEqual({ status: "shutting_down" });
      await closing;
    } finally {
      await new Promise((resolve) => door.server.close(resolve));
    }
  });
});

describe("readiness without its database", () => {
  it("answers 503 naming the database, while liveness stays 200", async () => {
    const db = await createTestDb();
    const app = await startTestApp({ db, queue: createTestQueue(silentLog) });
    try {
      // The pool is gone: every query fails the way it does when PostgreSQL is unreachable.
      await db.knex.destroy();
      const ready = await fetch(`${app.baseUrl}/api/health/ready`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { failed: string[]; checks: Record<string, boolean> };
      expect(body.failed).toEqual(expect.arrayContaining(["database", "migrations"]));
      expect(body.checks.database).toBe(false);
      expect((await fetch(`${app.baseUrl}/api/health/live`)).status).toBe(200);
    } finally {
      await app.close();
      await db.close().catch(() => {});
    }
  });
});
