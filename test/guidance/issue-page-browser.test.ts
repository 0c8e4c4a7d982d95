import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { type Illuminate } from "../../src/create-illuminate.js";
import { buildDashboard, CHROMIUM_PATH, collectPageErrors, launchBrowser, openPage, startDashboardServer } from "../helpers/browser.js";
import { silentLog } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { loadRepoFixture } from "./fixtures.js";
import { nockInstallationToken, nockRepositoryReads, seedIssue, signIn } from "./harness.js";

const hasChromium = existsSync(CHROMIUM_PATH);
let browser: Browser;
let db: Db;
let illuminate: Illuminate | undefined;
let baseUrl: string;


beforeAll(async () => {
  if (!hasChromium) return;
  await buildDashboard();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  db = await createTestDb();
});

afterEach(async () => {
  await illuminate?.close();
  illuminate = undefined;
  await db.close();
});

describe.runIf(hasChromium)("the issue page in a browser", () => {
  it("follows the generation without a reload, then lets a signed-in reader report a section", async () => {
    const seeded = await seedIssue(db, { body: "Colours are missing on Windows terminals." });
    nockInstallationToken(seeded.installationId);
    nockRepositoryReads(seeded, loadRepoFixture("node"));
    ({ illuminate, baseUrl } = await startDashboardServer({ db, queue: createTestQueue(silentLog) }));
    const reader = await signIn({ illuminate }, db);
    const page = await openPage(browser, "issue-page");
    const errors = collectPageErrors(page);
    await page.context().addCookies(reader.cookies.map((c) => ({ ...c, url: baseUrl })));

    await page.goto(`${baseUrl}/issues/${seeded.owner}/${seeded.repo}/${seeded.number}`);
    await page.getByRole("heading", { name: "Suggested approach" }).waitFor({ timeout: 20_000 });
    expect(await page.getByText("Generated without AI", { exact: true }).isVisible()).toBe(true);

    const approach = page.locator('[data-section="approach"]');
    await approach.getByText("Report an inaccuracy").click();
    await approach.getByLabel("What is wrong").selectOption("inaccurate");
    await approach.getByLabel("Details for the maintainers").fill("The formatter is not where colours are chosen.");
    await approach.getByRole("button", { name: "Send report" }).click();
    await approach.getByText("Thank you: the maintainers will see your report.").waitFor({ timeout: 10_000 });
    await approach.getByText("Reported by 1 reader").waitFor({ timeout: 10_000 });

    const row = await db.knex("deep_dive_reports").first();
    expect(row).toMatchObject({ section: "approach", reason: "inaccurate", comment: "The formatter is not where colours are chosen." });
    if (process.env.GUIDANCE_SCREENSHOT) await page.screenshot({ path: process.env.GUIDANCE_SCREENSHOT, fullPage: true });
    expect(errors).toEqual([]);
  });
});
