import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHROMIUM_PATH, openPage } from "../helpers/browser.js";
import { auditFocus, auditPage, horizontalOverflow } from "./page-audit.js";
import { collectDashboardErrors, E2E_ISSUES, nockInstalledRepository, saveStep, seedReader, startE2eWorld, type E2eWorld, type Reader } from "./e2e-kit.js";

// The key pages, each checked in a real browser for what a screen-reader or keyboard user needs:
// names on every control, one h1 and headings in order, landmarks, readable contrast in both
// colour schemes, a visible focus, and no sideways scrolling on a phone.

const hasChromium = existsSync(CHROMIUM_PATH);

let world: E2eWorld;
let reader: Reader;

beforeAll(async () => {
  if (!hasChromium) return;
  world = await startE2eWorld();
  nockInstalledRepository(world.github.url);
  reader = await seedReader(world);
}, 300_000);

beforeEach(() => {
  // The issue page starts its deep dive on the first visit; the GitHub fakes go after every test.
  if (world) nockInstalledRepository(world.github.url);
});

afterAll(async () => {
  await world?.close();
});

interface KeyPage {
  name: string;
  path: string;
  signedIn: boolean;
  /** something that is there once the page has its content */
  ready: (page: Page) => Promise<unknown>;
}

const h1 = (name: string | RegExp) => (page: Page) => page.getByRole("heading", { level: 1, name }).waitFor({ timeout: 20_000 });

const PAGES: KeyPage[] = [
  { name: "landing", path: "/", signedIn: false, ready: (page) => page.locator("h1").waitFor() },
  { name: "signin", path: "/signin", signedIn: false, ready: h1("Sign in") },
  { name: "feed", path: "/feed", signedIn: true, ready: (page) => page.locator("article.feed-item").first().waitFor({ timeout: 20_000 }) },
  {
    name: "issue",
    path: `/issues/Codertocat/Hello-World/${E2E_ISSUES.parser.number}`,
    signedIn: true,
    ready: (page) => page.getByRole("heading", { name: "Suggested approach" }).waitFor({ timeout: 30_000 }),
  },
  { name: "search", path: "/search?q=parser", signedIn: true, ready: (page) => page.locator("li.result").first().waitFor() },
  { name: "watchlist", path: "/watchlist", signedIn: true, ready: h1("Your watchlist") },
  { name: "portfolio", path: "/portfolio", signedIn: true, ready: (page) => page.getByRole("link", { name: "Keep trailing commas in the tokenizer" }).waitFor() },
  { name: "widgets", path: "/portfolio/widgets?user=ada-reader", signedIn: true, ready: h1("README cards") },
  { name: "growth", path: "/growth", signedIn: true, ready: (page) => page.getByRole("heading", { name: /^Level \d+:/ }).waitFor() },
  { name: "notifications", path: "/notifications", signedIn: true, ready: (page) => page.getByTestId("notification").first().waitFor() },
  { name: "settings", path: "/settings", signedIn: true, ready: h1("Settings") },
  { name: "skills", path: "/settings/skills", signedIn: true, ready: h1("Settings") },
  { name: "maintainers", path: "/maintainers", signedIn: true, ready: (page) => page.locator("h1").first().waitFor() },
  { name: "status", path: "/status", signedIn: false, ready: (page) => page.locator("h1").first().waitFor() },
];

async function visit(key: KeyPage, options: { colorScheme?: "light" | "dark"; width?: number } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await openPage(world.browser, `a11y-${key.name}-${options.colorScheme ?? "light"}`, {
    colorScheme: options.colorScheme ?? "light",
    viewport: { width: options.width ?? 1200, height: 900 },
  });
  const errors = collectDashboardErrors(page, world.baseUrl);
  if (key.signedIn) await page.context().addCookies(reader.cookies.map((c) => ({ ...c, url: world.baseUrl })));
  await page.goto(`${world.baseUrl}${key.path}`);
  await key.ready(page);
  return { page, errors };
}

describe.runIf(hasChromium)("accessibility of the key pages", () => {
  it("the checks find what they look for on a page built to fail them", async () => {
    const page = await openPage(world.browser, "a11y-self-test", { viewport: { width: 375, height: 700 } });
    await page.setContent(`<!doctype html><html><body style="background:#fff">
      <h2>Starts at h2</h2><h4>then skips to h4</h4>
      <form><input type="text" name="q"><select name="kind"><option>a</option></select><button></button></form>
      <a href="/x"><img src="data:,"></a>
      <p style="color:#aaa">Pale grey on white</p>
      <p id="twice">one</p><p id="twice">two</p>
      <a href="/y" style="outline:none">No focus ring</a>
      <div style="width:600px">Too wide for a phone</div>
    </body></html>`);
    const found = await auditPage(page);
    for (const expected of [
      "html has no lang attribute",
      "expected one main landmark, found 0",
      "expected one h1, found 0",
      "heading skips from h2 to h4",
      "form control without a label: <input>",
      "form control without a label: <select>",
      "button without discernible text",
      "a without discernible text",
      "image without alt",
      "contrast 2.32:1 below 4.5:1",
      'id "twice" is used 2 times',
    ]) {
      expect(found.some((problem) => problem.startsWith(expected)), `${expected} in ${JSON.stringify(found, null, 1)}`).toBe(true);
    }
    expect(await auditFocus(page, 6)).toContainEqual(expect.stringContaining('no visible focus on <a> "No focus ring"'));
    expect((await horizontalOverflow(page))[0]).toMatch(/^page is 6\d\dpx wide at 375px$/);
  });

  for (const key of PAGES) {
    it(`${key.name}: named controls, headings, landmarks, contrast in both schemes, visible focus, fits 375 px`, async () => {
      const light = await visit(key);
      expect(await auditPage(light.page)).toEqual([]);
      expect(await auditFocus(light.page, 12)).toEqual([]);
      await saveStep(light.page, `a11y-${key.name}`);
      expect(light.errors).toEqual([]);

      const dark = await visit(key, { colorScheme: "dark" });
      expect(await auditPage(dark.page)).toEqual([]);
      expect(await auditFocus(dark.page, 6)).toEqual([]);
      await saveStep(dark.page, `a11y-${key.name}-dark`);
      expect(dark.errors).toEqual([]);

      const phone = await visit(key, { width: 375 });
      await saveStep(phone.page, `a11y-${key.name}-375`);
      expect(await horizontalOverflow(phone.page)).toEqual([]);
      expect(phone.errors).toEqual([]);
    }, 60_000);
  }
});
