// Captures the screenshots of the README's tour: a real Illuminate on an empty embedded database
// with no GitHub App, so it loads the sample data through its own webhook pipeline; Chromium
// (CHROMIUM_PATH, Debian's /usr/bin/chromium by default) then clicks "Explore as the sample
// contributor" and visits each page of the tour. Re-run it when those pages change:
//
//   npm run tour
//
// The images go to docs/tour/ as WebP, encoded by Chromium itself.

import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { loadConfig } from "../src/config.js";
import { createIlluminate } from "../src/create-illuminate.js";
import { createLogger } from "../src/create-logger.js";
import { launchBrowser } from "../test/helpers/browser.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = path.join(root, "docs/tour");
const VIEWPORT = { width: 1100, height: 760 };
const WEBP_QUALITY = 75;

const dataDir = mkdtempSync(path.join(tmpdir(), "illuminate-tour-"));
// Port 0 would make PUBLIC_URL wrong; the dashboard's own calls go to the address it listens on.
const port = 3900 + Math.floor(Math.random() * 50);
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "warn", PORT: String(port) });
const log = createLogger("warn");
const illuminate = await createIlluminate(config, { log });
const server = await illuminate.listen(port, "127.0.0.1");
const baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
const browser = await launchBrowser();

async function waitForSample(): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const health = (await (await fetch(`${baseUrl}/api/health`)).json()) as { sampleData?: { loaded: boolean } };
    if (health.sampleData?.loaded) return;
    if (Date.now() > deadline) throw new Error("the sample data did not finish loading within 10 minutes");
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function shoot(context: BrowserContext, page: Page, name: string): Promise<void> {
  const cdp = await context.newCDPSession(page);
  const { data } = (await cdp.send("Page.captureScreenshot", { format: "webp", quality: WEBP_QUALITY })) as { data: string };
  const file = path.join(outDir, `${name}.webp`);
  writeFileSync(file, Buffer.from(data, "base64"));
  console.log(`${path.relative(root, file)}  ${(statSync(file).size / 1024).toFixed(1)} KB`);
}

async function visit(page: Page, url: string): Promise<void> {
  const response = await page.goto(url.startsWith("http") ? url : `${baseUrl}${url}`, { waitUntil: "networkidle" });
  if (!response?.ok()) throw new Error(`${url} answered ${response?.status()}`);
}

try {
  console.log("loading the sample data through the webhook inbox…");
  await waitForSample();
  mkdirSync(outDir, { recursive: true });
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: "light", reducedMotion: "reduce" });
  const page = await context.newPage();

  await visit(page, "/feed");
  await page.getByRole("button", { name: "Explore as the sample contributor" }).click();
  await page.waitForURL(/\/feed/);
  await page.waitForLoadState("networkidle");
  await shoot(context, page, "1-feed");

  // The top issue of the feed, with its deep dive (written offline: there is no Anthropic key).
  const issueHref = await page.locator('main a[href^="/issues/"]').first().getAttribute("href");
  if (!issueHref) throw new Error("the feed shows no issue to open");
  await visit(page, issueHref);
  await page.getByText("Project overview").first().waitFor({ timeout: 120_000 });
  await shoot(context, page, "2-issue");

  const tour: Array<[string, string]> = [
    ["3-search", "/search?q=docs"],
    ["4-portfolio", "/portfolio"],
    ["5-growth", "/growth"],
    ["6-maintainers", "/maintainers"],
  ];
  for (const [name, url] of tour) {
    await visit(page, url);
    await shoot(context, page, name);
  }

  const repoHref = await page.locator('main a[href^="/maintainers/"]').first().getAttribute("href");
  if (repoHref) {
    await visit(page, repoHref);
    await shoot(context, page, "7-maintainer-repository");
  }
  console.log("done");
} finally {
  await browser.close();
  await illuminate.close();
  rmSync(dataDir, { recursive: true, force: true });
}
