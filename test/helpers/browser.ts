import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import { onTestFailed, onTestFinished } from "vitest";
import { createIlluminate, type Illuminate, type IlluminateDeps } from "../../src/create-illuminate.js";
import { silentLog, testConfig, TestOctokit } from "./test-app.js";

/** Debian's Chromium: playwright-core never downloads a browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless, sandbox-free (containers), and quiet: nothing in the background reaches the network. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where failure screenshots go; CI uploads this folder when a job fails. */
export const TEST_RESULTS_DIR = fileURLToPath(new URL("../../test-results", import.meta.url));

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Builds the dashboard once if no build is there (a clean checkout's install builds it anyway). */
export async function buildDashboard(): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(ROOT, "scripts/build-web.mjs"), "--if-missing"], { cwd: ROOT });
}

/** A port nothing listens on right now, for a server whose address must be known before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Illuminate serving the built dashboard on a free port, with PUBLIC_URL and ORIGIN set to it: the
 * dashboard reads ORIGIN once, when it loads, and SvelteKit refuses form posts from any other origin.
 */
export async function startDashboardServer(
  deps: Pick<IlluminateDeps, "db" | "queue"> & Partial<IlluminateDeps>,
  env: Record<string, string> = {},
): Promise<{ illuminate: Illuminate; baseUrl: string }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  process.env.ORIGIN = baseUrl;
  const illuminate = await createIlluminate(testConfig({ ...env, PUBLIC_URL: baseUrl }), { log: silentLog, Octokit: TestOctokit, ...deps });
  await illuminate.listen(port, "127.0.0.1");
  return { illuminate, baseUrl };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * Everything the page reports as broken: console errors (failed loads and CSP violations show up
 * there too) and uncaught exceptions. Attach it before the first navigation.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`exception: ${error.message}`));
  return errors;
}

/** Call inside a test: if that test fails, a full-page screenshot of `page` lands in test-results/. */
export function screenshotOnFailure(page: Page, name: string): void {
  onTestFailed(() => saveScreenshot(page, name));
}

/**
 * Call inside a test: a page in a fresh context, screenshotted into test-results/ if the test
 * fails, and closed when the test is over.
 */
export async function openPage(browser: Browser, name: string, options?: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  // One hook for both, so the screenshot is taken before the page is closed.
  onTestFinished(async ({ task }) => {
    if (task.result?.state === "fail") await saveScreenshot(page, name);
    await context.close();
  });
  return page;
}

async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(TEST_RESULTS_DIR, { recursive: true });
  const file = path.join(TEST_RESULTS_DIR, `${name.replace(/[^a-z0-9-]+/gi, "-").toLowerCase()}.png`);
  // The page may be gone already (a crash is a failure too); the test's own error says enough then.
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
}
