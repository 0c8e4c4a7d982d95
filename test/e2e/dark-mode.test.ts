import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_PATH, openPage } from "../helpers/browser.js";
import { auditPage } from "./page-audit.js";
import { collectDashboardErrors, saveStep, seedReader, startE2eWorld, type E2eWorld, type Reader } from "./e2e-kit.js";

// Dark colours follow the device's setting, or the visitor's choice in the footer, which the server
// writes on <html> so it holds without JavaScript and without a flash of the other scheme.

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

/** The page's own background and body text colour, and its links', as rgb() strings. */
const colours = (page: Page) =>
  page.evaluate(() => {
    const body = getComputedStyle(document.body);
    const link = document.querySelector("main a[href]");
    return { background: body.backgroundColor, text: body.color, link: link ? getComputedStyle(link).color : null, theme: document.documentElement.dataset.theme ?? null };
  });

const LIGHT = { background: "rgb(246, 247, 249)", text: "rgb(27, 34, 48)" };
const DARK = { background: "rgb(18, 22, 29)", text: "rgb(230, 233, 239)" };

describe.runIf(hasChromium)("dark mode", () => {
  it("follows the device's dark setting on every page, with readable text", async () => {
    const page = await openPage(world.browser, "dark-mode-device", { colorScheme: "dark", viewport: { width: 1100, height: 900 } });
    const errors = collectDashboardErrors(page, world.baseUrl);
    await page.context().addCookies(reader.cookies.map((c) => ({ ...c, url: world.baseUrl })));
    for (const [name, path] of [["landing", "/"], ["feed", "/feed"], ["portfolio", "/portfolio"], ["notifications", "/notifications"]] as const) {
      await page.goto(`${world.baseUrl}${path}`);
      await page.locator("h1").first().waitFor();
      expect(await colours(page)).toMatchObject({ ...DARK, theme: null });
      expect((await auditPage(page)).filter((problem) => problem.startsWith("contrast"))).toEqual([]);
      await saveStep(page, `dark-${name}`);
    }
    expect(errors).toEqual([]);
  });

  it("a visitor on a light device picks dark in the footer, without JavaScript; it holds on the next page and can be undone", async () => {
    const page = await openPage(world.browser, "dark-mode-choice", { colorScheme: "light", javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
    const errors = collectDashboardErrors(page, world.baseUrl);
    await page.context().addCookies(reader.cookies.map((c) => ({ ...c, url: world.baseUrl })));
    await page.goto(`${world.baseUrl}/feed?kind=bug`);
    expect(await colours(page)).toMatchObject({ ...LIGHT, theme: null });

    await page.getByLabel("Colours").selectOption("dark");
    await page.getByRole("button", { name: "Apply colours" }).click();
    // Back where it was, query included, rendered dark by the server.
    await page.waitForURL(`${world.baseUrl}/feed?kind=bug`);
    expect(await colours(page)).toMatchObject({ ...DARK, theme: "dark" });
    expect(await page.getByLabel("Colours").inputValue()).toBe("dark");
    await saveStep(page, "dark-chosen-feed");
    await page.goto(`${world.baseUrl}/growth`);
    expect(await colours(page)).toMatchObject({ ...DARK, theme: "dark" });
    expect((await auditPage(page)).filter((problem) => problem.startsWith("contrast"))).toEqual([]);

    // "Same as the device" forgets the choice.
    await page.getByLabel("Colours").selectOption("system");
    await page.getByRole("button", { name: "Apply colours" }).click();
    await page.waitForURL(`${world.baseUrl}/growth`);
    expect(await colours(page)).toMatchObject({ ...LIGHT, theme: null });
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain("theme");
    expect(errors).toEqual([]);
  });

  it("a light choice wins over a dark device, and the form sends no one off the site", async () => {
    const page = await openPage(world.browser, "dark-mode-light-choice", { colorScheme: "dark" });
    await page.context().addCookies([{ name: "theme", value: "light", url: world.baseUrl }]);
    await page.goto(`${world.baseUrl}/signin`);
    expect(await colours(page)).toMatchObject({ ...LIGHT, theme: "light" });

    const response = await fetch(`${world.baseUrl}/theme`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: world.baseUrl },
      body: new URLSearchParams({ colours: "dark", returnTo: "//elsewhere.example/" }),
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/");
    expect(response.headers.get("set-cookie")).toMatch(/^theme=dark;.*HttpOnly/i);

    const nonsense = await fetch(`${world.baseUrl}/theme`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: world.baseUrl },
      body: new URLSearchParams({ colours: "purple" }),
      redirect: "manual",
    });
    // An unknown scheme is "same as the device": the cookie is cleared.
    expect(nonsense.status).toBe(303);
    expect(nonsense.headers.get("set-cookie")).toMatch(/^theme=;.*Max-Age=0/i);
  });
});
