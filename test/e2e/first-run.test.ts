import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Illuminate } from "../../src/create-illuminate.js";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import { loadSampleData } from "../../src/sample/load-sample-data.js";
import { buildDashboard, CHROMIUM_PATH, launchBrowser, openPage, startDashboardServer } from "../helpers/browser.js";
import { silentLog } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { collectDashboardErrors, saveStep } from "./e2e-kit.js";
import { auditPage } from "./page-audit.js";

// The first run of a new instance: an empty database, no GitHub App registered, the sample loaded
// through the app's own webhook pipeline, and a visitor who explores it as the sample contributor.
// A file of its own, because the dashboard reads its ORIGIN once per process and this is another
// server than the journey's.

const hasChromium = existsSync(CHROMIUM_PATH);

let db: Db;
let queue: Queue;
let illuminate: Illuminate;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  await buildDashboard();
  db = await createTestDb();
  queue = createTestQueue(silentLog);
  ({ illuminate, baseUrl } = await startDashboardServer({ db, queue }, { APP_ID: "", PRIVATE_KEY: "" }));
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await illuminate?.close();
  await queue?.close();
  await db?.close();
});

describe.runIf(hasChromium)("the first run, with sample data", () => {
  it("an instance without a GitHub App shows the sample, and a visitor explores it as the sample contributor", async () => {
    const page = await openPage(browser, "e2e-first-run", { viewport: { width: 1200, height: 900 } });
    const errors = collectDashboardErrors(page, baseUrl);

    // Before the sample: the setup banner asks for a GitHub App.
    await page.goto(`${baseUrl}/status`);
    await page.locator("h1").first().waitFor();
    await saveStep(page, "00-first-run-setup");

    const loaded = await loadSampleData({ db, queue, inbox: illuminate.inbox, log: silentLog, now: () => new Date() }, { issues: 16, timeoutMs: 90_000 });
    expect(loaded.failed).toBe(0);

    await page.goto(`${baseUrl}/feed`);
    const banner = page.getByRole("region", { name: "Sample data" });
    await banner.waitFor();
    await saveStep(page, "00-first-run-sample-banner");
    await banner.getByRole("button", { name: "Explore as the sample contributor" }).click();

    await page.waitForURL(`${baseUrl}/feed`);
    await page.locator("article.feed-item").first().waitFor({ timeout: 20_000 });
    expect(await page.locator("article.feed-item").count()).toBeGreaterThan(1);
    expect(await page.locator("article.feed-item .reason").first().textContent()).toMatch(/^Why: /);
    await page.getByText("You are exploring as the sample contributor").waitFor();
    await saveStep(page, "00-first-run-sample-feed");
    // The sample banner is held to the same accessibility checks as the pages.
    expect(await auditPage(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 150_000);
});
