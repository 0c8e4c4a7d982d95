import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Db } from "../../src/db/types.js";
import { testPrivateKey } from "../helpers/github-webhooks.js";
import { startTestApp, silentLog, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

let db: Db;
let app: TestApp;
const envFile = join(mkdtempSync(join(tmpdir(), "illuminate-setup-")), ".env");

beforeAll(async () => {
  writeFileSync(envFile, "# kept\nPORT=3000\nAPP_ID=\n");
  db = await createTestDb();
  app = await startTestApp({ db, queue: createTestQueue(silentLog), env: { APP_ID: "", PRIVATE_KEY: "", ENV_FILE: envFile } });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

async function startRegistration(): Promise<{ state: string; cookie: string }> {
  const page = await fetch(`${app.baseUrl}/setup`);
  const cookie = page.headers.get("set-cookie")!.split(";")[0]!;
  const state = (await page.text()).match(/apps\/new\?state=([A-Za-z0-9_-]+)/)![1]!;
  return { state, cookie };
}

describe("registering the GitHub App from app.yml", () => {
  it("exchanges GitHub's code for the app's credentials and writes them to the env file", async () => {
    const { state, cookie } = await startRegistration();
    const scope = nock("https://api.github.com")
      .post("/app-manifests/abc123/conversions")
      .reply(201, {
        id: 987,
        slug: "illuminate-test",
        name: "Illuminate Test",
        node_id: "MDM6QXBwNTk=",
        owner: { login: "octocat", id: 1 },
        html_url: "https://github.com/apps/illuminate-test",
        client_id: "Iv1.8a61f9b3a7aba766",
        client_secret: "1726be1638095a19edd134c77bde3aa2ece1e5d8",
        webhook_secret: "e340154128314309424b7c8e90325147d99fdafa",
        pem: testPrivateKey,
        permissions: { issues: "write", metadata: "read" },
        events: ["issues"],
      });
    const response = await fetch(`${app.baseUrl}/setup/callback?code=abc123&state=${state}`, { headers: { cookie } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("https://github.com/apps/illuminate-test/installations/new");
    scope.done();

    const written = readFileSync(envFile, "utf8");
    expect(written.startsWith("# kept\nPORT=3000\n")).toBe(true);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const env = parseEnv(written);
    const config = loadConfig(env);
    expect(config.github).toMatchObject({ appId: 987, appConfigured: true, clientId: "Iv1.8a61f9b3a7aba766", webhookSecret: "e340154128314309424b7c8e90325147d99fdafa" });
    expect(config.github.privateKey).toBe(testPrivateKey);
  });

  it("refuses a callback whose state did not start here, without calling GitHub", async () => {
    const scope = nock("https://api.github.com");
    const { cookie } = await startRegistration();
    const response = await fetch(`${app.baseUrl}/setup/callback?code=abc123&state=forged`, { headers: { cookie } });
    expect(response.status).toBe(400);
    const noCookie = await fetch(`${app.baseUrl}/setup/callback?code=abc123&state=forged`);
    expect(noCookie.status).toBe(400);
    scope.done();
  });

  it("explains an expired code instead of failing", async () => {
    const { state, cookie } = await startRegistration();
    const scope = nock("https://api.github.com").post("/app-manifests/old/conversions").reply(404, { message: "Not Found" });
    const response = await fetch(`${app.baseUrl}/setup/callback?code=old&state=${state}`, { headers: { cookie } });
    expect(response.status).toBe(502);
    expect(await response.text()).toContain("Codes expire after an hour");
    scope.done();
  });
});
