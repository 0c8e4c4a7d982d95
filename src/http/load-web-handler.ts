import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

const defaultBuildDir = fileURLToPath(new URL("../../web/build", import.meta.url));

/**
 * Prerendered pages are the same for every visitor, so a CDN may keep one for five minutes, while
 * browsers revalidate every time (a cheap 304 thanks to the ETag). Fingerprinted files under
 * /_app/immutable/ get a one-year immutable policy from adapter-node itself.
 */
export const PRERENDERED_CACHE_CONTROL = "public, max-age=0, s-maxage=300, must-revalidate";

/** Enforced alongside the prerendered page's own <meta> policy (a browser applies both). */
export const PRERENDERED_HEADER_POLICY = "frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

/**
 * The SvelteKit adapter-node handler, imported from the dashboard build. Without a build the
 * server still runs (API, webhooks, workers) and every page explains how to build the dashboard.
 */
export async function loadWebHandler(log: Logger, buildDir = defaultBuildDir): Promise<RequestHandler> {
  const handlerFile = `${buildDir}/handler.js`;
  if (!existsSync(handlerFile)) {
    log.warn({ buildDir }, "dashboard build missing; run npm run build");
    return (_req, res) => {
      res
        .status(503)
        .type("text/plain")
        .send("The Illuminate dashboard has not been built. Run `npm run build`, then restart the server.\n");
    };
  }
  // Imported lazily: the handler reads ORIGIN once, when it loads.
  const module = (await import(pathToFileURL(handlerFile).href)) as { handler: RequestHandler };
  const prerendered = listPrerenderedPaths(path.join(buildDir, "prerendered"));
  if (prerendered.size === 0) return module.handler;

  // adapter-node serves prerendered files with an ETag but no Cache-Control, which leaves CDNs and
  // browsers to guess; server-rendered pages keep whatever SvelteKit sets, since they may be personal.
  return (req, res, next) => {
    if ((req.method === "GET" || req.method === "HEAD") && prerendered.has(req.path)) {
      res.setHeader("Cache-Control", PRERENDERED_CACHE_CONTROL);
      // The page's own policy is a <meta> tag (script hashes), where frame-ancestors is ignored;
      // this header adds what a meta policy cannot say, and restricts nothing the page uses.
      res.setHeader("Content-Security-Policy", PRERENDERED_HEADER_POLICY);
    }
    module.handler(req, res, next);
  };
}

/** The URL paths adapter-node answers from web/build/prerendered, e.g. `index.html` → `/`. */
function listPrerenderedPaths(dir: string): Set<string> {
  const paths = new Set<string>();
  if (!existsSync(dir)) return paths;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    // Compressed twins are picked by sirv from Accept-Encoding under the same URL.
    if (!entry.isFile() || /\.(br|gz)$/.test(entry.name)) continue;
    const relative = path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
    if (relative === "index.html") paths.add("/");
    else if (relative.endsWith("/index.html")) paths.add(`/${relative.slice(0, -"index.html".length)}`);
    else paths.add(`/${relative.replace(/\.html$/, "")}`);
  }
  return paths;
}
