import { classifyGithubError, GithubNotFoundError, GithubRateLimitedError } from "./github-errors.js";

/** Anything with Octokit's `graphql` (installation, crawler or test clients). */
export interface GraphqlClient {
  graphql: (query: string, variables?: Record<string, unknown>) => Promise<unknown>;
}

export interface RateLimitInfo {
  cost: number;
  remaining: number;
  resetAt: Date;
}

export interface GraphqlError {
  type?: string;
  message: string;
  path?: Array<string | number>;
}

export interface GraphqlResult<T> {
  data: T;
  /** errors GitHub returned next to partial data (e.g. NOT_FOUND for one aliased repository) */
  errors: GraphqlError[];
  rateLimit: RateLimitInfo | null;
}

function readRateLimit(data: unknown): RateLimitInfo | null {
  const limit = (data as { rateLimit?: { cost?: unknown; remaining?: unknown; resetAt?: unknown } } | null)?.rateLimit;
  if (!limit || typeof limit.remaining !== "number" || typeof limit.resetAt !== "string") return null;
  return { cost: typeof limit.cost === "number" ? limit.cost : 0, remaining: limit.remaining, resetAt: new Date(limit.resetAt) };
}

/**
 * Runs a query and keeps partial data: GitHub answers an aliased query with data for the parts
 * it could resolve and an error for each it could not. Rate limiting and a query with no data at
 * all are thrown as errors the callers' retry logic understands.
 */
export async function runGraphql<T>(client: GraphqlClient, query: string, variables: Record<string, unknown>): Promise<GraphqlResult<T>> {
  try {
    const data = (await client.graphql(query, variables)) as T;
    return { data, errors: [], rateLimit: readRateLimit(data) };
  } catch (error) {
    const response = error as { name?: string; errors?: GraphqlError[]; data?: unknown };
    if (response?.name === "GraphqlResponseError" && Array.isArray(response.errors)) {
      const limited = response.errors.find((e) => e.type === "RATE_LIMITED");
      if (limited) {
        const rateLimit = readRateLimit(response.data);
        const waitMs = rateLimit ? Math.max(1_000, +rateLimit.resetAt - Date.now()) : 60_000;
        throw new GithubRateLimitedError(limited.message, waitMs, false, { cause: error });
      }
      if (response.data && typeof response.data === "object") {
        return { data: response.data as T, errors: response.errors, rateLimit: readRateLimit(response.data) };
      }
      const notFound = response.errors.find((e) => e.type === "NOT_FOUND");
      if (notFound) throw new GithubNotFoundError(notFound.message, { cause: error });
    }
    throw classifyGithubError(error);
  }
}

/** The NOT_FOUND error GitHub returned for one top-level alias, if any. */
export const notFoundAt = (errors: GraphqlError[], alias: string): GraphqlError | undefined =>
  errors.find((e) => e.type === "NOT_FOUND" && e.path?.[0] === alias);
