import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { loadWebHandler, PRERENDERED_CACHE_CONTROL } from "../../src/http/load-web-handler.js";
import { collectPageErrors, launchBrowser, openPage } from "../helpers/browser.js";
import { silentLog, startTestApp, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const landingFile = path.join(root, "web/build/prerendered/index.html");
const IMMUTABLE = "public,max-age=31536000,immutable";

let db: Db;
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  // The script skips the build when web/build is newer than its sources.
  await promisify(execFile)(process.execPath, [path.join(root, "scripts/build-web.mjs"), "--if-missing"], { cwd: root }).catch(
    (error: { stdout?: string; stderr?: string }) => {
      throw new Error(`building the dashboard failed:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
    },
  );
  db = await createTestDb();
  // The real server with the real dashboard build, as `npm start` runs it.
  app = await startTestApp({ db, queue: createTestQueue(silentLog), deps: { web: await loadWebHandler(silentLog) } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await db?.close();
});

/** Same-origin assets the landing page's HTML refers to, as absolute paths. */
function assetPaths(html: string): string[] {
  const references = [...html.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((match) => match[1]!);
  return references.filter((ref) => /^\.?\/_app\//.test(ref)).map((ref) => new URL(ref, "http://x/").pathname);
}

describe("the landing page", () => {
  it("is prerendered into the build as static HTML with a hash-based content security policy and no script", () => {
    const html = readFileSync(landingFile, "utf8");
    const policy = /<meta http-equiv="content-security-policy" content="([^"]+)"/.exec(html)?.[1] ?? "";

    expect(html).toContain("Find an issue that fits.");
    expect(html).not.toMatch(/<script\b/i);
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toMatch(/style-src-attr 'unsafe-hashes' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(policy).not.toContain("unsafe-inline");
  });

  it("is served by the real server from the build, cacheable by a CDN and revalidated by browsers", async () => {
    const response = await fetch(`${app.baseUrl}/`);
    const etag = response.headers.get("etag");

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("cache-control")).toBe(PRERENDERED_CACHE_CONTROL);
    expect(etag).toBeTruthy();
    // A static file cannot send a policy of its own, but the server's security headers still apply.
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toBe(readFileSync(landingFile, "utf8"));

    const revalidated = await fetch(`${app.baseUrl}/`, { headers: { "if-none-match": etag! } });
    expect(revalidated.status).toBe(304);
  });

  it("sends its stylesheet and images, fingerprinted, with a one-year immutable Cache-Control", async () => {
    const paths = assetPaths(readFileSync(landingFile, "utf8"));

    expect(paths.some((p) => p.endsWith(".css"))).toBe(true);
    expect(paths.filter((p) => p.endsWith(".webp"))).toHaveLength(3);
    for (const assetPath of paths) {
      const response = await fetch(`${app.baseUrl}${assetPath}`);
      expect(response.status, assetPath).toBe(200);
      expect(response.headers.get("cache-control"), assetPath).toBe(IMMUTABLE);
    }
  });

  it("leaves server-rendered pages out of public caches, since they can be personal", async () => {
    const response = await fetch(`${app.baseUrl}/status`);

    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control") ?? "").not.toContain("public");
  });

  for (const viewport of [
    { name: "desktop", width: 1280, height: 800 },
    { name: "phone", width: 375, height: 740 },
  ]) {
    it(`renders in Chromium on a ${viewport.name} (${viewport.width}px) with no console errors and every image loaded`, async () => {
      const page = await openPage(browser, `landing-${viewport.name}`, { viewport });
      const errors = collectPageErrors(page);
      const response = await page.goto(`${app.baseUrl}/`, { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      // Below-the-fold images load lazily: scroll through the page as a reader would.
      await page.evaluate(async () => {
        for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
          window.scrollTo(0, y);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      });
      await page.waitForLoadState("networkidle");

      const report = await page.evaluate(() => ({
        heading: document.querySelector("h1")?.textContent?.trim(),
        scripts: document.scripts.length,
        brokenImages: [...document.images].filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src),
        images: document.images.length,
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        actions: [...document.querySelectorAll("a")].map((a) => ({ text: a.textContent?.trim(), href: a.getAttribute("href") })),
      }));

      expect(errors).toEqual([]);
      expect(report.heading).toBe("Find an issue that fits. Understand it before you start.");
      expect(report.scripts).toBe(0);
      expect(report.images).toBe(4);
      expect(report.brokenImages).toEqual([]);
      expect(report.overflow, "the page scrolls sideways").toBeLessThanOrEqual(0);
      expect(report.actions).toContainEqual({ text: "Sign in with GitHub", href: "/auth/github" });
      expect(report.actions).toContainEqual({ text: "Install the GitHub App", href: "/install" });
      expect(report.actions).toContainEqual({ text: "Service status", href: "/status" });
    });
  }

  it("shows the README widget example and the markdown that embeds the real one", async () => {
    const page = await openPage(browser, "landing-widget");
    await page.goto(`${app.baseUrl}/`);
    const widget = page.getByRole("img", { name: /Example widget/ });
    await widget.scrollIntoViewIfNeeded();

    await expect.poll(() => widget.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(495);
    expect(await page.locator("pre.embed").textContent()).toBe(
      "[![My open-source portfolio](https://ILLUMINATE_HOST/api/portfolio/USERNAME/widget)](https://ILLUMINATE_HOST/)",
    );
  });
});
