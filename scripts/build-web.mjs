#!/usr/bin/env node
// Builds the SvelteKit dashboard in web/ into web/build, which the server imports as handler.js.
//
//   node scripts/build-web.mjs               build now
//   node scripts/build-web.mjs --if-missing  build only when web/build is absent or older than its sources
//
// `npm start` runs the second form first, so the first start builds and later starts are quick.
// A production image installs without dev dependencies: there a finished build is used as is.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const web = path.join(root, "web");
const handlerFile = path.join(web, "build", "handler.js");
const sources = ["src", "static", "svelte.config.js", "vite.config.ts", "package.json"].map((entry) => path.join(web, entry));

const ifMissing = process.argv.slice(2).includes("--if-missing");
const built = existsSync(handlerFile);
const vite = findViteBin();

if (!vite) {
  if (built) process.exit(0);
  console.error("build-web: web/build is missing and vite is not installed; run `npm install` (with dev dependencies), then `npm run build:web`.");
  process.exit(1);
}

if (ifMissing && built && statSync(handlerFile).mtimeMs > newestSourceMtime()) {
  console.log("build-web: web/build is up to date");
  process.exit(0);
}

// SvelteKit reads svelte.config.js, and adapter-node reads package.json, from the working directory.
// Vite builds in development mode when NODE_ENV says so (vitest sets it to "test"), and a later
// `npm start` would then serve that build as current: web/build is always a production build.
const result = spawnSync(process.execPath, [vite, "build"], {
  cwd: web,
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production" },
});
if (result.error) {
  console.error(`build-web: could not run vite: ${result.error.message}`);
  process.exit(1);
}
if (result.status !== 0) process.exit(result.status ?? 1);
if (!existsSync(handlerFile)) {
  console.error("build-web: vite finished but web/build/handler.js was not written; check the adapter in web/svelte.config.js.");
  process.exit(1);
}

/** The vite executable the web project would use, or undefined when vite is not installed. */
function findViteBin() {
  try {
    const require = createRequire(path.join(web, "package.json"));
    const manifestPath = require.resolve("vite/package.json");
    const { bin } = JSON.parse(readFileSync(manifestPath, "utf8"));
    const relative = typeof bin === "string" ? bin : bin?.vite;
    return relative ? path.join(path.dirname(manifestPath), relative) : undefined;
  } catch {
    return undefined;
  }
}

function newestSourceMtime() {
  let newest = 0;
  const visit = (entry) => {
    let stats;
    try {
      stats = statSync(entry);
    } catch {
      return; // optional sources such as static/ may not exist
    }
    if (stats.isDirectory()) {
      for (const child of readdirSync(entry)) visit(path.join(entry, child));
    } else {
      newest = Math.max(newest, stats.mtimeMs);
    }
  };
  for (const entry of sources) visit(entry);
  return newest;
}
