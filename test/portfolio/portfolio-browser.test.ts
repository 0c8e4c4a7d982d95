import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Illuminate } from "../../src/create-illuminate.js";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import { buildDashboard, collectPageErrors, launchBrowser, openPage, startDashboardServer, TEST_RESULTS_DIR } from "../helpers/browser.js";
import { silentLog } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { parseStrictXml } from "./strict-xml.js";
import { seedContribution } from "./portfolio-test-kit.js";



let illuminate: Illuminate;
let db: Db;
let queue: Queue;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  await buildDashboard();
  db = await createTestDb();
  queue = createTestQueue(silentLog);
  ({ illuminate, baseUrl } = await startDashboardServer({ db, queue }));
  browser = await launchBrowser();

  const [user] = await db.knex("users").insert({ github_id: 9_900_001, login: "ada-dev", name: "Ada <b>Dev</b>", public_portfolio: true }).returning("id");
  const owner = { userId: Number(user.id), githubId: 9_900_001, login: "ada-dev" };
  const now = Date.now();
  const week = 7 * 86_400_000;
  const languages: Array<Record<string, number>> = [{ TypeScript: 120, CSS: 20 }, { Go: 80 }, { Python: 40, Markdown: 10 }, { Rust: 60 }];
  for (let i = 0; i < 24; i++) {
    await seedContribution(db.knex, owner, {
      mergedAt: new Date(now - i * week * 0.9 - (i % 3) * 86_400_000),
      repoFullName: ["sveltejs/svelte", "golang/go", "psf/requests", "rust-lang/cargo"][i % 4],
      title: i === 0 ? `Fix "quotes" & <tags> in titles` : `Improve thing number ${i}`,
      additions: 10 + i * 3,
      deletions: i,
      languages: languages[i % 4],
    });
  }
  await seedContribution(db.knex, owner, { mergedAt: new Date(now - 86_400_000), repoFullName: "corp/secret", title: "Private work", isPrivate: true });
  await db.knex("reflections").insert([
    { user_id: owner.userId, learned: "Svelte's <script> blocks & runes", is_public: true },
    { user_id: owner.userId, learned: "Only for me", is_public: false },
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await illuminate?.close();
  await queue?.close();
  await db?.close();
});

describe("the public portfolio page and the widget builder, in a real browser", () => {
  it("the public page shows totals, calendar, languages, months and links, with sharing tags, and no private work", async () => {
    const page = await openPage(browser, "portfolio-public-page");
    const errors = collectPageErrors(page);
    const response = await page.goto(`${baseUrl}/u/ada-dev`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Ada <b>Dev</b>");
    expect(await page.locator(".totals").textContent()).toContain("24");
    expect(await page.locator(".calendar rect").count()).toBeGreaterThanOrEqual(365);
    expect(await page.locator(".legend li").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("TypeScript")]));
    expect(await page.locator(".months rect").count()).toBe(12);
    expect(await page.locator('a[href="https://github.com/sveltejs/svelte/pull/1"], .contributions a').first().getAttribute("href")).toMatch(/^https:\/\/github\.com\//);
    expect(await page.content()).not.toContain("Private work");
    expect(await page.locator(".reflections dd").allTextContents()).toEqual(["Svelte's <script> blocks & runes"]);
    expect(await page.locator(".reflections script").count()).toBe(0);
    expect(await page.locator('meta[property="og:title"]').getAttribute("content")).toBe("Ada <b>Dev</b>'s open-source portfolio");
    expect(await page.locator('meta[property="og:image"]').getAttribute("content")).toBe(`${baseUrl}/api/portfolio/ada-dev/widget?layout=stats`);
    await mkdir(TEST_RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, "portfolio-public-page.png"), fullPage: true });
    expect(errors).toEqual([]);

    const missing = await page.goto(`${baseUrl}/u/nobody-at-all`);
    expect(missing?.status()).toBe(404);
  });

  it("the widget builder previews each layout and theme and gives the Markdown snippet", async () => {
    const page = await openPage(browser, "portfolio-widget-builder");
    const errors = collectPageErrors(page);
    await page.goto(`${baseUrl}/portfolio/widgets?user=ada-dev`);
    await page.waitForFunction(() => document.querySelector("img.preview") !== null);
    for (const layout of ["stats", "languages", "recent"]) {
      await page.locator(`input[name="layout"][value="${layout}"]`).check();
      await page.locator('select[name="theme"]').selectOption(layout === "stats" ? "dark" : layout === "languages" ? "nord" : "high_contrast");
      const src = await page.locator("img.preview").getAttribute("src");
      expect(src).toContain(`layout=${layout}`);
      // The preview really loaded: the browser decoded an image of the card's width.
      await expect.poll(() => page.locator("img.preview").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(495);
      const svg = await (await fetch(`${baseUrl}${src}`)).text();
      parseStrictXml(svg);
    }
    await page.locator('input[name="title_color"]').fill("ff6600");
    const snippet = await page.getByTestId("snippet").textContent();
    expect(snippet).toBe(
      `[![ada-dev's open-source contributions](${baseUrl}/api/portfolio/ada-dev/widget?layout=recent&theme=high_contrast&title_color=ff6600)](${baseUrl}/u/ada-dev)`,
    );
    await page.locator('input[name="title_color"]').fill("red;}</style>");
    expect(await page.getByRole("alert").textContent()).toContain("hex colour");
    expect(await page.locator("img.preview").getAttribute("src")).not.toContain("red");
    await page.screenshot({ path: path.join(TEST_RESULTS_DIR, "portfolio-widget-builder.png"), fullPage: true });
    expect(errors).toEqual([]);
  });
});
