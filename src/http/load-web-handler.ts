import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

const defaultBuildDir = fileURLToPath(new URL("../../web/build", import.meta.url));

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
  return module.handler;
}
