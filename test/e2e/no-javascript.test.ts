import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_PATH, openPage } from "../helpers/browser.js";
import { collectDashboardErrors, E2E_ISSUES, nockInstalledRepository, saveStep, seedReader, startE2eWorld, type E2eWorld, type Reader } from "./e2e-kit.js";

// Every page is rendered by the server, so with JavaScript off a reader still sees it whole and
// the feed's filters still work as a plain GET form.

const hasChromium = existsSync(CHROMIUM_PATH);

let world: E2eWorld;
let reader: Reader;

beforeAll(async () => {
  if (!hasChromium) return;
  world = await startE2eWorld();
  reader = await seedReader(world);
}, 300_000);

afterAll(async () => {
  await world?.close();
});

/** Paths, and text each must show straight from the server (to the signed-in reader). */
const PAGES: Array<[name: string, path: string, expected: string]> = [
  ["feed", "/feed", E2E_ISSUES.parser.title],
  ["issue", `/issues/Codertocat/Hello-World/${E2E_ISSUES.parser.number}`, E2E_ISSUES.parser.title],
  ["search", "/search?q=config", E2E_ISSUES.docs.title],
  ["watchlist", "/watchlist", E2E_ISSUES.parser.title],
  ["portfolio", "/portfolio", "Keep trailing commas in the tokenizer"],
  ["growth", "/growth", "Skill radar"],
  ["notifications", "/notifications", "was claimed"],
  ["settings", "/settings", "Preferences"],
  ["maintainers", "/maintainers", "maintainers"],
];

describe.runIf(hasChromium)("the dashboard without JavaScript", () => {
  it("renders the key pages on the server", async () => {
    nockInstalledRepository(world.github.url);
    const page = await openPage(world.browser, "no-js-pages", { javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
    const errors = collectDashboardErrors(page, world.baseUrl);
    // Signed out first: the landing and sign-in pages.
    for (const [name, path, expected] of [["landing", "/", "Sign in with GitHub"], ["signin", "/signin", "What Illuminate reads"]] as const) {
      expect((await page.goto(`${world.baseUrl}${path}`))?.status(), path).toBe(200);
      expect(await page.locator("h1").count(), path).toBe(1);
      expect(await page.locator("main").innerText(), path).toContain(expected);
      await saveStep(page, `no-js-${name}`);
    }
    await page.context().addCookies(reader.cookies.map((c) => ({ ...c, url: world.baseUrl })));
    for (const [name, path, expected] of PAGES) {
      const response = await page.goto(`${world.baseUrl}${path}`);
      expect(response?.status(), `${path}: ${(await page.locator("body").innerText()).slice(0, 300)}`).toBe(200);
      expect(await page.locator("h1").count(), path).toBe(1);
      expect(await page.locator("main").innerText(), path).toContain(expected);
      // The header's navigation is there too, with the current page marked.
      expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link").count(), path).toBeGreaterThanOrEqual(8);
      await saveStep(page, `no-js-${name}`);
    }
    expect(errors).toEqual([]);
  });

  it("filters the feed by submitting its form", async () => {
    const page = await openPage(world.browser, "no-js-feed-filter", { javaScriptEnabled: false });
    const errors = collectDashboardErrors(page, world.baseUrl);
    await page.context().addCookies(reader.cookies.map((c) => ({ ...c, url: world.baseUrl })));
    await page.goto(`${world.baseUrl}/feed`);
    const shown = () => page.locator("article.feed-item").evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute("data-issue-id"))));
    expect((await shown()).length).toBeGreaterThan(1);

    await page.getByLabel("Kind of work").selectOption("docs");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/kind=docs/);
    expect(await shown()).toEqual([E2E_ISSUES.docs.id]);
    expect(await page.getByLabel("Kind of work").inputValue()).toBe("docs");
    await saveStep(page, "no-js-feed-filtered");
    expect(errors).toEqual([]);
  });
});
