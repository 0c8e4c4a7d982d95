import { PermanentJobError } from "../../queue/errors.js";

/** GitHub says the thing is gone (404, 410, or GraphQL NOT_FOUND): retrying cannot help. */
export class GithubNotFoundError extends Error {
  override name = "GithubNotFoundError";
  readonly status = 404;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A primary or secondary rate limit: come back after `retryAfterMs`. */
export class GithubRateLimitedError extends Error {
  override name = "GithubRateLimitedError";
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterMs: number,
    readonly secondary: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface HttpLikeError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

const header = (error: HttpLikeError, name: string) => {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
};

/**
 * Turns an Octokit error into one of ours when GitHub's answer means something for retrying:
 * gone (permanent) or rate limited (later, with the wait GitHub asked for). Anything else
 * (network, 5xx) is returned unchanged and retried by the queue with backoff.
 */
export function classifyGithubError(error: unknown, now: () => number = Date.now): unknown {
  if (error instanceof GithubNotFoundError || error instanceof GithubRateLimitedError) return error;
  const http = error as HttpLikeError;
  if (typeof http?.status !== "number") return error;
  if (http.status === 404 || http.status === 410) return new GithubNotFoundError(http.message ?? `GitHub answered ${http.status}`, { cause: error });
  const message = http.message ?? "";
  const retryAfter = Number(header(http, "retry-after"));
  if ((http.status === 403 || http.status === 429) && (/secondary rate limit/i.test(message) || Number.isFinite(retryAfter) && retryAfter > 0)) {
    const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 60_000;
    return new GithubRateLimitedError("GitHub secondary rate limit", waitMs, true, { cause: error });
  }
  if ((http.status === 403 || http.status === 429) && header(http, "x-ratelimit-remaining") === "0") {
    const reset = Number(header(http, "x-ratelimit-reset"));
    const waitMs = Number.isFinite(reset) ? Math.max(1_000, reset * 1000 - now()) : 60_000;
    return new GithubRateLimitedError("GitHub rate limit exhausted", waitMs, false, { cause: error });
  }
  return error;
}

/** For job handlers: gone becomes a permanent failure; everything else keeps its retry semantics. */
export function toJobError(error: unknown): unknown {
  const classified = classifyGithubError(error);
  if (classified instanceof GithubNotFoundError) return new PermanentJobError(classified.message, { cause: error });
  return classified;
}
