import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Illuminate } from "../../src/create-illuminate.js";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import { buildDashboard, CHROMIUM_PATH, collectPageErrors, launchBrowser, openPage, startDashboardServer, TEST_RESULTS_DIR } from "../helpers/browser.js";
import { silentLog, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { signIn } from "../guidance/harness.js";
import { seedContribution } from "../portfolio/portfolio-test-kit.js";
import { growthDomain } from "./growth-kit.js";

const hasChromium = existsSync(CHROMIUM_PATH);
const DAY_MS = 86_400_000;


let illuminate: Illuminate;
let db: Db;
let queue: Queue;
let browser: Browser;
let baseUrl: string;
const clock = { now: new Date() };
type Cookies = Array<{ name: string; value: string }>;
let grower: { userId: number; login: string; cookies: Cookies };
let newcomer: { cookies: Cookies };

beforeAll(async () => {
  if (!hasChromium) return;
  await buildDashboard();
  db = await createTestDb();
  queue = createTestQueue(silentLog);
  ({ illuminate, baseUrl } = await startDashboardServer({ db, queue, now: () => clock.now }));
  browser = await launchBrowser();

  const app = { illuminate } as Pick<TestApp, "illuminate">;
  grower = await signIn(app, db, "grace-grows");
  newcomer = await signIn(app, db, "newcomer-nell");
  const growth = growthDomain(app as TestApp);
  const owner = { userId: grower.userId, githubId: grower.userId, login: grower.login };
  const merge = async (daysAgo: number, fields: Omit<Parameters<typeof seedContribution>[2], "mergedAt">) => {
    clock.now = new Date(Date.now() - daysAgo * DAY_MS);
    const id = await seedContribution(db.knex, owner, { ...fields, mergedAt: clock.now });
    await growth.onContributionEnriched({ contributionId: id, authorGithubId: grower.userId, userId: null });
  };
  // Two months ago: one small TypeScript fix. Since: Svelte, Go, tests and docs.
  await merge(60, { repoFullName: "octo/lib", languages: { TypeScript: 12 }, skillTags: ["typescript"] });
  await merge(10, { repoFullName: "octo/lib", languages: { TypeScript: 200, Svelte: 100 }, skillTags: ["typescript", "svelte", "testing"], additions: 250, deletions: 50, changedFiles: 6 });
  await merge(5, { repoFullName: "golang/go", languages: { Go: 600 }, skillTags: ["go", "docs"], additions: 500, deletions: 100, changedFiles: 12 });
  await merge(1, { repoFullName: "octo/lib", languages: { TypeScript: 40 }, skillTags: ["typescript", "testing"] });
  clock.now = new Date();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await illuminate?.close();
  await queue?.close();
  await db?.close();
});

describe.runIf(hasChromium)("the growth page in a browser", () => {
  it("shows level, progress, the radar against 90 days ago with its table, history and next steps", async () => {
    const page = await openPage(browser, "growth-page");
    const errors = collectPageErrors(page);
    await page.context().addCookies(grower.cookies.map((c) => ({ ...c, url: baseUrl })));
    const response = await page.goto(`${baseUrl}/growth`);
    expect(response?.status()).toBe(200);

    // 4 PRs, 2 repositories: Contributor.
    await expect.poll(() => page.getByTestId("level-name").textContent()).toBe("Contributor");
    expect(await page.locator("progress#level-progress").getAttribute("value")).toMatch(/^\d+$/);
    expect(await page.getByText(/% of the way to Regular/).count()).toBe(1);

    const chart = page.getByTestId("radar-chart");
    expect(await chart.getAttribute("role")).toBe("img");
    expect(await chart.locator("title").textContent()).toBe("Skill radar");
    expect(await chart.locator('polygon[data-series="current"]').count()).toBe(1);
    // 90 days ago there was no radar yet; 30 days ago there was one: TypeScript alone.
    expect(await chart.locator('polygon[data-series="previous"]').count()).toBe(0);
    const labels = await chart.locator(".axis-label").allTextContents();
    expect(labels).toEqual(expect.arrayContaining(["typescript", "svelte", "go", "tests", "docs"]));
    const points = (await chart.locator('polygon[data-series="current"]').getAttribute("points"))!.split(" ");
    expect(points).toHaveLength(labels.length);
    const box = await chart.boundingBox();
    expect(box!.width).toBeGreaterThan(200);

    await page.locator("select#period").selectOption("30");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/period=30/);
    expect(await chart.locator('polygon[data-series="previous"]').count()).toBe(1);
    const typescriptRow = page.locator(".radar-table tbody tr", { has: page.locator("th", { hasText: /^typescript$/ }) });
    // 30 days ago: one PR (0.6 × 0.3 = 18); now three (0.6 × (1 − 0.7³) = 39).
    expect((await typescriptRow.locator("td").allTextContents()).map((t) => t.trim())).toEqual(["language", "18", "39", "+21"]);

    expect(await page.locator("ol.changes li").allTextContents()).toEqual([expect.stringContaining("level 2, First-timer"), expect.stringContaining("level 3, Contributor")]);
    expect(await page.getByRole("heading", { name: "Next steps" }).count()).toBe(1);
    await mkdir(TEST_RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, "growth-page.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  it("saves a reflection through the form without JavaScript, showing its markup as text", async () => {
    const page = await openPage(browser, "growth-reflection", { javaScriptEnabled: false });
    await page.context().addCookies(grower.cookies.map((c) => ({ ...c, url: baseUrl })));
    await page.goto(`${baseUrl}/growth`);
    const markup = `<img src="x" onerror="document.title='pwned'"><b>bold</b> & more`;
    await page.locator("#reflect-learned").fill(markup);
    await page.locator("#reflect-hard").fill("Reading the Go scheduler");
    await page.getByRole("button", { name: "Save reflection" }).click();
    await page.getByText("Saved. Only you can see it.").waitFor();
    const reflection = page.getByTestId("reflection").first();
    expect(await reflection.locator(".answer").first().textContent()).toBe(markup);
    expect(await reflection.locator("b, img").count()).toBe(0);

    const js = await openPage(browser, "growth-reflection-js");
    const errors = collectPageErrors(js);
    await js.context().addCookies(grower.cookies.map((c) => ({ ...c, url: baseUrl })));
    await js.goto(`${baseUrl}/growth`);
    expect(await js.getByTestId("reflection").first().locator(".answer").first().textContent()).toBe(markup);
    expect(await js.title()).not.toBe("pwned");
    await js.getByRole("button", { name: "Show on my public portfolio" }).first().click();
    await js.getByText("Visibility changed.").waitFor();
    expect(await js.getByTestId("reflection").first().textContent()).toContain("public");
    expect(errors).toEqual([]);
  });

  it("shows an empty state to someone with no contributions", async () => {
    const page = await openPage(browser, "growth-empty");
    const errors = collectPageErrors(page);
    await page.context().addCookies(newcomer.cookies.map((c) => ({ ...c, url: baseUrl })));
    await page.goto(`${baseUrl}/growth`);
    expect(await page.getByTestId("level-name").textContent()).toBe("Explorer");
    expect(await page.getByRole("heading", { name: "No merged contributions yet" }).count()).toBe(1);
    expect(await page.getByTestId("radar-chart").count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
