// Captures the dashboard screenshots the landing page shows, from a real Illuminate running on an
// embedded database with a throwaway GitHub App key (so no setup banner), in Chromium
// (CHROMIUM_PATH, Debian's /usr/bin/chromium by default).
// Re-run it whenever the pages it shows change:
//
//   npm run screenshots
//
// The images go to web/src/lib/assets/screenshots/ as WebP. They live under src/ rather than
// static/ so the build fingerprints them and they are served with a one-year immutable cache.

import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { loadConfig } from "../src/config.js";
import { createIlluminate } from "../src/create-illuminate.js";
import { createLogger } from "../src/create-logger.js";
import { launchBrowser } from "../test/helpers/browser.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = path.join(root, "web/src/lib/assets/screenshots");

/** CSS pixels, captured at 1.5 device pixels each so they stay sharp on dense screens. */
const VIEWPORT = { width: 1000, height: 620 };
const SCALE = 1.5;
const WEBP_QUALITY = 80;
/** Space left around the content when a shot is cropped to the page's main column. */
const MARGIN = 24;

/** `page`: the top of the page, header included; `content`: just what the page's main column shows. */
const shots = [
  { name: "feed", path: "/feed", crop: "page" },
  { name: "deep-dive", path: "/issues/octo-org/hello-world/42", crop: "content" },
  { name: "portfolio", path: "/portfolio", crop: "content" },
] as const;

const build = spawnSync(process.execPath, [path.join(root, "scripts/build-web.mjs"), "--if-missing"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const dataDir = mkdtempSync(path.join(tmpdir(), "illuminate-screenshots-"));
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const config = loadConfig({
  DATA_DIR: dataDir,
  LOG_LEVEL: "warn",
  APP_ID: "1",
  PRIVATE_KEY: privateKey,
  GITHUB_CLIENT_ID: "Iv1.screenshots",
  GITHUB_CLIENT_SECRET: "screenshots",
});
const log = createLogger("warn");
const illuminate = await createIlluminate(config, { log });
const server = await illuminate.listen(0, "127.0.0.1");
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await launchBrowser();

const sizes: Record<string, { width: number; height: number }> = {};
try {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: SCALE, colorScheme: "light", reducedMotion: "reduce" });
  for (const shot of shots) {
    const page = await context.newPage();
    const response = await page.goto(`${baseUrl}${shot.path}`, { waitUntil: "networkidle" });
    if (!response?.ok()) throw new Error(`${shot.path} answered ${response?.status()}`);
    // A page that sends signed-out visitors elsewhere would otherwise be captured as the wrong page.
    const landedOn = new URL(page.url()).pathname;
    if (landedOn !== shot.path) throw new Error(`${shot.path} redirected to ${landedOn}; pick a page a signed-out visitor sees`);
    const clip = shot.crop === "page" ? { x: 0, y: 0, ...VIEWPORT } : await contentBox(page);
    // Chromium encodes WebP itself, which saves an image dependency for a handful of files.
    const cdp = await context.newCDPSession(page);
    const { data } = (await cdp.send("Page.captureScreenshot", {
      format: "webp",
      quality: WEBP_QUALITY,
      clip: { ...clip, scale: 1 },
      captureBeyondViewport: true,
    })) as { data: string };
    const file = path.join(outDir, `${shot.name}.webp`);
    writeFileSync(file, Buffer.from(data, "base64"));
    const size = { width: Math.round(clip.width * SCALE), height: Math.round(clip.height * SCALE) };
    sizes[shot.name] = size;
    console.log(`${path.relative(root, file)}  ${size.width}x${size.height}  ${(statSync(file).size / 1024).toFixed(1)} KB`);
    await page.close();
  }
  // The landing page reads the sizes, so its images reserve their space before they load.
  writeFileSync(path.join(outDir, "sizes.json"), `${JSON.stringify(sizes, null, 2)}\n`);
  console.log("done; run `npm run build` to put the new images in web/build");
} finally {
  await browser.close();
  await illuminate.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** The box around everything in the page's main column, with a margin, in CSS pixels. */
async function contentBox(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.evaluate(() => {
    // A block of text spans the whole column; its text may not, and the crop should follow the text.
    const boxes = [...document.querySelectorAll("main > *")].map((element) => {
      const style = getComputedStyle(element);
      if (style.borderTopStyle !== "none" || style.backgroundColor !== "rgba(0, 0, 0, 0)") return element.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(element);
      return range.getBoundingClientRect();
    });
    return {
      left: Math.min(...boxes.map((b) => b.left)),
      top: Math.min(...boxes.map((b) => b.top)) + window.scrollY,
      right: Math.max(...boxes.map((b) => b.right)),
      bottom: Math.max(...boxes.map((b) => b.bottom)) + window.scrollY,
    };
  });
  const x = Math.max(0, Math.floor(box.left - MARGIN));
  const y = Math.max(0, Math.floor(box.top - MARGIN));
  return { x, y, width: Math.ceil(box.right + MARGIN) - x, height: Math.ceil(box.bottom + MARGIN) - y };
}
