import type { Logger } from "pino";
import { Probot, ProbotOctokit } from "probot";
import type { Config } from "../config.js";

/** Every way Illuminate talks to GitHub, built once from config. */
export interface GithubClients {
  /** the Probot instance (webhook verification, app auth); null in setup mode */
  probot: Probot | null;
  /** an installation-scoped client (throttling and retries on); throws in setup mode */
  forInstallation(installationId: number): Promise<ProbotOctokit>;
  /** a client acting with a user's token (sign-in, skill profile) */
  forUser(token: string): ProbotOctokit;
  /** a client for crawling repositories the App is not installed on; null without CRAWLER_GITHUB_TOKEN */
  forCrawler(): ProbotOctokit | null;
  apiUrl: string;
  webUrl: string;
}

export class AppNotConfiguredError extends Error {
  override name = "AppNotConfiguredError";
  readonly status = 503;
  constructor() {
    super("The GitHub App is not configured: set APP_ID and PRIVATE_KEY");
  }
}

type RateLimitListener = (resource: string, remaining: number) => void;

/** Reads GitHub's rate-limit headers off every answer, errors included (a 403 for the limit carries them too). */
function rateLimitPlugin(listener: RateLimitListener) {
  const read = (headers: Record<string, unknown> | undefined) => {
    const remaining = Number(headers?.["x-ratelimit-remaining"]);
    if (headers?.["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining)) listener(String(headers["x-ratelimit-resource"] ?? "core"), remaining);
  };
  return (octokit: Pick<ProbotOctokit, "hook">) => {
    octokit.hook.after("request", (response) => read(response.headers as Record<string, unknown>));
    octokit.hook.error("request", (error) => {
      read((error as { response?: { headers?: Record<string, unknown> } }).response?.headers);
      throw error;
    });
  };
}

export function createGithubClients(options: { config: Config; log: Logger; Octokit?: typeof ProbotOctokit; onRateLimit?: RateLimitListener }): GithubClients {
  const { config, log } = options;
  const BaseOctokit = options.Octokit ?? ProbotOctokit;
  const Octokit = options.onRateLimit ? (BaseOctokit.plugin(rateLimitPlugin(options.onRateLimit) as Parameters<typeof BaseOctokit.plugin>[0]) as typeof ProbotOctokit) : BaseOctokit;
  const { appId, privateKey, webhookSecret, apiUrl, webUrl, crawlerToken } = config.github;
  const probot =
    appId && privateKey
      ? new Probot({ appId, privateKey, secret: webhookSecret, baseUrl: apiUrl, log: log.child({ name: "probot" }), Octokit })
      : null;
  // Probot's auth strategy reads a token from `auth: { token }`; a bare string leaves requests unauthenticated.
  const withToken = (token: string) => new Octokit({ auth: { token }, baseUrl: apiUrl, log: log.child({ name: "octokit" }) });
  return {
    probot,
    apiUrl,
    webUrl,
    async forInstallation(installationId) {
      if (!probot) throw new AppNotConfiguredError();
      return probot.auth(installationId);
    },
    forUser: withToken,
    forCrawler: () => (crawlerToken ? withToken(crawlerToken) : null),
  };
}
