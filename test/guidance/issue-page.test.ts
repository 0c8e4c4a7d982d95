import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import type { RequestHandler } from "express";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { loadWebHandler } from "../../src/http/load-web-handler.js";
import { silentLog, startTestApp, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { loadRepoFixture } from "./fixtures.js";
import { nockInstallationToken, nockRepositoryReads, seedIssue, signIn } from "./harness.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
let web: RequestHandler;
let db: Db;
let app: TestApp | undefined;

beforeAll(async () => {
  // The script skips the build when web/build is newer than its sources.
  await promisify(execFile)(process.execPath, [`${root}scripts/build-web.mjs`, "--if-missing"], { cwd: root });
  web = await loadWebHandler(silentLog);
}, 300_000);

beforeEach(async () => {
  db = await createTestDb();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await db.close();
});

const page = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${app!.baseUrl}${path}`, { headers });
  return { status: response.status, html: await response.text() };
};

describe("the issue page of the dashboard", () => {
  it("shows the generation status while the deep dive is written, then its sections, sources and the offline label", async () => {
    const seeded = await seedIssue(db, { body: "Colours are missing on Windows terminals." });
    nockInstallationToken(seeded.installationId);
    nockRepositoryReads(seeded, loadRepoFixture("node"));
    app = await startTestApp({ db, queue: createTestQueue(silentLog), deps: { web } });
    const path = `/issues/${seeded.owner}/${seeded.repo}/${seeded.number}`;

    const first = await page(path);
    expect(first.status).toBe(200);
    expect(first.html).toContain("Writing the deep dive");
    expect(first.html).toContain('http-equiv="refresh"');

    await waitFor(async () => ((await (await fetch(`${app!.baseUrl}/api/issues/${seeded.issueId}/deep-dive`)).json()) as { status: string }).status === "ready", 15_000, "ready");
    const { html } = await page(path);
    expect(html).toContain("Pretty printer crashes on circular objects");
    expect(html).toContain("Generated without AI");
    for (const title of ["Project overview", "Issue context", "Suggested approach", "Questions to ask the maintainers", "Red flags"]) expect(html).toContain(title);
    expect(html).toContain("<code>npm ci</code>");
    expect(html).toContain(`href="https://github.com/${seeded.owner}/${seeded.repo}/blob/main/CONTRIBUTING.md"`);
    expect(html).not.toContain("Writing the deep dive");
    expect(html).not.toContain('http-equiv="refresh"');
    // Signed out: no report form or regenerate button, an invitation to sign in instead.
    expect(html).not.toContain("Report an inaccuracy");
    expect(html).toContain("to regenerate this deep dive or report an inaccuracy");

    const reader = await signIn(app, db);
    const signedIn = await page(path, { cookie: reader.headers.cookie! });
    expect(signedIn.html.match(/Report an inaccuracy/g)?.length).toBeGreaterThanOrEqual(5);
    expect(signedIn.html).toContain("Regenerate the deep dive");
  });

  it("says when Illuminate does not index the issue", async () => {
    app = await startTestApp({ db, queue: createTestQueue(silentLog), deps: { web } });
    const { status, html } = await page("/issues/nobody/nothing/5");
    expect(status).toBe(200);
    expect(html).toContain("Illuminate does not index this issue");
  });
});
