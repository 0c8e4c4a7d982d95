import nock from "nock";
import { describe, expect, it } from "vitest";
import { GithubNotFoundError, GithubRateLimitedError, toJobError } from "../../src/github/graphql/github-errors.js";
import { runGraphql } from "../../src/github/graphql/run-graphql.js";
import { PermanentJobError } from "../../src/queue/errors.js";
import { TestOctokit } from "../helpers/test-app.js";

const client = new TestOctokit({ auth: "ghp_test" });
const query = "query { rateLimit { cost remaining resetAt } viewer { login } }";

async function failureFor(reply: () => nock.Scope) {
  const scope = reply();
  const error = await runGraphql(client, query, {}).catch((e: unknown) => e);
  scope.done();
  return error;
}

describe("what GitHub's errors mean for a job", () => {
  it.each([404, 410])("HTTP %i is permanent: retrying cannot bring it back", async (status) => {
    const error = await failureFor(() => nock("https://api.github.com").post("/graphql").reply(status, { message: "Not Found" }));
    expect(error).toBeInstanceOf(GithubNotFoundError);
    expect(toJobError(error)).toBeInstanceOf(PermanentJobError);
  });

  it("a GraphQL NOT_FOUND without any data is permanent too", async () => {
    const error = await failureFor(() =>
      nock("https://api.github.com").post("/graphql").reply(200, { data: null, errors: [{ type: "NOT_FOUND", path: ["repository"], message: "Could not resolve" }] }),
    );
    expect(toJobError(error)).toBeInstanceOf(PermanentJobError);
  });

  it("a secondary rate limit waits as long as retry-after says", async () => {
    const error = await failureFor(() =>
      nock("https://api.github.com").post("/graphql").reply(403, { message: "You have exceeded a secondary rate limit" }, { "retry-after": "90" }),
    );
    expect(error).toBeInstanceOf(GithubRateLimitedError);
    expect(error).toMatchObject({ secondary: true, retryAfterMs: 90_000 });
  });

  it("an exhausted primary limit waits until the reset GitHub names", async () => {
    const reset = Math.floor(Date.now() / 1000) + 600;
    const error = await failureFor(() =>
      nock("https://api.github.com").post("/graphql").reply(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) }),
    );
    expect(error).toMatchObject({ name: "GithubRateLimitedError", secondary: false });
    expect((error as GithubRateLimitedError).retryAfterMs).toBeGreaterThan(590_000);
  });

  it("GraphQL's RATE_LIMITED error is a rate limit, not a failure", async () => {
    const error = await failureFor(() =>
      nock("https://api.github.com").post("/graphql").reply(200, { data: null, errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for installation" }] }),
    );
    expect(error).toBeInstanceOf(GithubRateLimitedError);
  });

  it("a server error is left to the queue's retries", async () => {
    const error = await failureFor(() => nock("https://api.github.com").post("/graphql").reply(502, "Bad Gateway"));
    expect(toJobError(error)).toMatchObject({ status: 502 });
    expect(toJobError(error)).not.toBeInstanceOf(PermanentJobError);
  });

  it("partial data comes back with the errors for the parts GitHub could not resolve", async () => {
    const scope = nock("https://api.github.com")
      .post("/graphql")
      .reply(200, { data: { rateLimit: { cost: 1, remaining: 4999, resetAt: "2030-01-01T00:00:00Z" }, r0: null, r1: { login: "x" } }, errors: [{ type: "NOT_FOUND", path: ["r0"], message: "gone" }] });
    const result = await runGraphql<Record<string, unknown>>(client, query, {});
    scope.done();
    expect(result.data.r1).toEqual({ login: "x" });
    expect(result.errors).toEqual([{ type: "NOT_FOUND", path: ["r0"], message: "gone" }]);
    expect(result.rateLimit).toEqual({ cost: 1, remaining: 4999, resetAt: new Date("2030-01-01T00:00:00Z") });
  });
});
