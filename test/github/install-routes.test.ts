import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { silentLog, startTestApp, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

// GitHub's documented answer to `GET /app`, authenticated as the app with its JWT.
const appResponse = {
  id: 123,
  slug: "illuminate-test",
  node_id: "MDExOkludGVncmF0aW9uMTIz",
  owner: { login: "octo-org", id: 1, type: "Organization" },
  name: "Illuminate Test",
  description: "",
  external_url: "https://illuminate.example.com",
  html_url: "https://github.com/apps/illuminate-test",
  created_at: "2025-01-01T00:00:00Z",
  updated_at: "2025-01-01T00:00:00Z",
  permissions: { issues: "write", metadata: "read" },
  events: ["issues"],
};

let db: Db;
let app: TestApp;
let setupModeApp: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  app = await startTestApp({ db, queue: createTestQueue(silentLog) });
  setupModeApp = await startTestApp({ db, queue: createTestQueue(silentLog), env: { APP_ID: "", PRIVATE_KEY: "" } });
});

afterAll(async () => {
  await app?.close();
  await setupModeApp?.close();
  await db?.close();
});

const visit = (baseUrl: string) => fetch(`${baseUrl}/install`, { redirect: "manual" });

describe("the Install the GitHub App link", () => {
  it("sends visitors to the app's installation page on GitHub, asking GitHub for it only once", async () => {
    const scope = nock("https://api.github.com").get("/app").reply(200, appResponse);

    const first = await visit(app.baseUrl);
    const second = await visit(app.baseUrl);

    for (const response of [first, second]) {
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("https://github.com/apps/illuminate-test/installations/new");
      expect(response.headers.get("cache-control")).toBe("no-store");
    }
    scope.done();
  });

  it("answers 502 with a message when GitHub fails, and asks again on the next visit", async () => {
    // A fresh app: the first one has the address cached already.
    const fresh = await startTestApp({ db, queue: createTestQueue(silentLog) });
    try {
      const scope = nock("https://api.github.com")
        .get("/app")
        .reply(500, { message: "Server Error" })
        .get("/app")
        .reply(200, appResponse);

      const failed = await visit(fresh.baseUrl);
      expect(failed.status).toBe(502);
      expect(await failed.json()).toEqual({
        error: { code: "github_unavailable", message: "GitHub did not say where this app is installed from; try again in a moment" },
      });

      const retried = await visit(fresh.baseUrl);
      expect(retried.status).toBe(302);
      expect(retried.headers.get("location")).toBe("https://github.com/apps/illuminate-test/installations/new");
      scope.done();
    } finally {
      await fresh.close();
    }
  });

  it("sends visitors to the registration page while the app is not registered, without calling GitHub", async () => {
    const scope = nock("https://api.github.com").get("/app").reply(200, appResponse);

    const response = await visit(setupModeApp.baseUrl);

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/setup");
    expect(scope.isDone()).toBe(false);
  });
});
