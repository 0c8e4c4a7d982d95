import { Router } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import { HttpError } from "../http/http-error.js";
import type { GithubClients } from "./create-github-clients.js";

export interface InstallRoutesOptions {
  github: Pick<GithubClients, "probot">;
  /** whether /setup is mounted (development without an app), where visitors are sent instead */
  setupAvailable: boolean;
  log: Logger;
}

const appSchema = z.object({ html_url: z.url() });

/**
 * `GET /install` sends a visitor to the GitHub App's installation page. The app's address holds its
 * slug, which only GitHub knows (`GET /app`), so static pages such as the landing page link here.
 */
export function createInstallRoutes(options: InstallRoutesOptions): Router {
  const router = Router();
  const { probot } = options.github;
  let installUrl: Promise<string> | undefined;

  const lookUpInstallUrl = async (): Promise<string> => {
    const octokit = await probot!.auth();
    const { data } = await octokit.request("GET /app");
    return `${appSchema.parse(data).html_url}/installations/new`;
  };

  router.get("/install", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    if (!probot) {
      if (options.setupAvailable) return res.redirect(303, "/setup");
      throw new HttpError(503, "app_not_configured", "The GitHub App is not configured on this server yet");
    }
    // The slug never changes while the process runs; a failed look-up is retried on the next visit.
    installUrl ??= lookUpInstallUrl().catch((error: unknown) => {
      installUrl = undefined;
      throw error;
    });
    try {
      return res.redirect(302, await installUrl);
    } catch (error) {
      options.log.warn({ err: error }, "could not look up the app's install page");
      throw new HttpError(502, "github_unavailable", "GitHub did not say where this app is installed from; try again in a moment", { cause: error });
    }
  });

  return router;
}
