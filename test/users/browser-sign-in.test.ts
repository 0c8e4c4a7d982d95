import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Illuminate } from "../../src/create-illuminate.js";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import { buildDashboard, collectPageErrors, launchBrowser, screenshotOnFailure, startDashboardServer } from "../helpers/browser.js";
import { silentLog } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { startFakeGithub, type FakeGithub } from "./fake-github-server.js";



let github: FakeGithub;
let illuminate: Illuminate;
let db: Db;
let queue: Queue;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  await buildDashboard();
  github = await startFakeGithub({ clientId: "Iv1.testclient", clientSecret: "test-client-secret", login: "mona" });
  db = await createTestDb();
  queue = createTestQueue(silentLog);
  ({ illuminate, baseUrl } = await startDashboardServer({ db, queue }, { GHE_HOST: github.host, GHE_PROTOCOL: "http" }));
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await illuminate?.close();
  await queue?.close();
  await db?.close();
  await github?.close();
});

describe("signing in through GitHub's authorize page, onboarding, and the skills page, in a real browser", () => {
  it("a new contributor signs in, waits for the analysis, sets preferences and sees their skills with evidence", async () => {
    const context = await browser.newContext();
    const page: Page = await context.newPage();
    screenshotOnFailure(page, "users-sign-in-onboarding");
    const errors = collectPageErrors(page);

    await page.goto(`${baseUrl}/signin`);
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.waitForURL(`${github.url}/login/oauth/authorize**`);
    await page.getByRole("button", { name: "Authorize Illuminate" }).click();

    await page.waitForURL(`${baseUrl}/onboarding`);
    expect(github.exchanges).toEqual([{ code: expect.any(String), verified: true }]);
    await page.getByRole("heading", { name: "Your profile is analysed" }).waitFor({ timeout: 15_000 });
    await expect(page.getByRole("list", { name: "Skills found" }).textContent()).resolves.toContain("TypeScript");

    await page.getByLabel("This would be my first open-source contribution").check();
    await page.getByLabel("Skills you want to learn").fill("rust, accessibility");
    await page.getByLabel("Documentation").check();
    await page.getByLabel("Hours per week you can give").fill("4");
    await page.getByRole("button", { name: "Finish" }).click();

    await page.waitForURL(`${baseUrl}/settings/skills?welcome=1`);
    await page.getByRole("heading", { name: "Your skills" }).waitFor();
    const typescript = page.locator('li[data-skill="typescript"]');
    await expect(typescript.textContent()).resolves.toContain("TypeScript");
    await page.locator('li[data-skill="sveltekit"] summary').click();
    await expect(page.locator('li[data-skill="sveltekit"] .evidence').textContent()).resolves.toContain("apps/web/package.json");
    await expect(page.getByRole("link", { name: "mona" }).isVisible()).resolves.toBe(true);

    const user = await db.knex("users").where({ login: "mona" }).first("onboarding_state", "id");
    expect(user.onboarding_state).toBe("preferences_set");
    const preferences = await db.knex("user_preferences").where({ user_id: user.id }).first("comfort_level", "learning_goals", "hours_per_week");
    expect(preferences).toEqual({ comfort_level: "first_contribution", learning_goals: ["rust", "accessibility"], hours_per_week: 4 });
    expect(errors.filter((e) => /Content Security Policy|exception/i.test(e))).toEqual([]);
    await context.close();
  }, 30_000);
});
