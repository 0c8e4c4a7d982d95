import { createHash, randomBytes } from "node:crypto";
import nock from "nock";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import type { UsersDomain } from "../../src/users/index.js";
import { fixtureGithubResponse, fixtureUsers, type FixtureGithubOptions } from "../fixtures/repos/fixture-github.js";
import { startTestApp, silentLog, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

/** What a browser keeps: cookies by name, sent back on every request (paths are not modelled). */
export class CookieJar {
  readonly values = new Map<string, string>();
  absorb(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const separator = pair!.indexOf("=");
      const name = pair!.slice(0, separator).trim();
      const value = decodeURIComponent(pair!.slice(separator + 1).trim());
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(line)) this.values.delete(name);
      else this.values.set(name, value);
    }
  }
  get(name: string): string | undefined {
    return this.values.get(name);
  }
  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; ");
  }
  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [name, value] of this.values) copy.values.set(name, value);
    return copy;
  }
}

/** Every GitHub user token the fake token endpoint handed out in this test file, and whose it is. */
const issuedTokens = new Map<string, string>();

export interface UsersTestApp extends TestApp {
  db: Db;
  queue: Queue;
  users: UsersDomain;
  clock: { now: Date; advance(ms: number): void };
  apiUrl: string;
  webUrl: string;
  /** GitHub user tokens handed out by the fake token endpoint, and who they belong to */
  tokens: Map<string, string>;
  /** fetch with this jar's cookies, absorbing what the server sets */
  request(path: string, init?: RequestInit & { jar?: CookieJar; csrf?: boolean }): Promise<Response>;
}

export async function startUsersApp(options: { env?: Record<string, string | undefined>; fixtureGithub?: Partial<FixtureGithubOptions> } = {}): Promise<UsersTestApp> {
  const db = await createTestDb();
  const queue = createTestQueue(silentLog);
  const clock = {
    now: new Date("2025-11-01T12:00:00Z"),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  let app: TestApp;
  try {
    app = await startTestApp({ db, queue, env: options.env, deps: { now: () => clock.now } });
  } catch (error) {
    await db.close();
    throw error;
  }
  const { apiUrl, webUrl } = app.illuminate.config.github;
  const tokens = issuedTokens;
  const users = app.illuminate.domains.find((d) => d.name === "users") as UsersDomain;
  return {
    ...app,
    db,
    queue,
    users,
    clock,
    apiUrl,
    webUrl,
    tokens,
    async close() {
      await app.close();
      await queue.close();
      await db.close();
    },
    async request(path, init = {}) {
      const { jar, csrf, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (jar) headers.set("cookie", jar.header());
      if (csrf && jar?.get("illuminate_csrf")) headers.set("x-csrf-token", jar.get("illuminate_csrf")!);
      if (rest.body !== undefined && typeof rest.body === "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
      const response = await fetch(`${app.baseUrl}${path}`, { redirect: "manual", ...rest, headers });
      jar?.absorb(response);
      return response;
    },
  };
}

/**
 * Answers GitHub API calls from the fixture repositories for tokens this app handed out. Persisted
 * for the current test (the shared setup clears nock after each one).
 */
export function serveFixtureGithub(app: UsersTestApp, overrides: Partial<FixtureGithubOptions> = {}): string[] {
  const seen: string[] = [];
  const options: FixtureGithubOptions = { loginForToken: (token) => app.tokens.get(token) ?? null, ...overrides };
  const apiPath = new URL(app.apiUrl).pathname.replace(/\/$/, "");
  nock(new URL(app.apiUrl).origin)
    .persist()
    .get(() => true)
    .reply(function (uri) {
      const relative = uri.slice(apiPath.length);
      seen.push(relative.split("?")[0]!);
      const answer = fixtureGithubResponse(options, "GET", relative, this.req.headers.authorization as string | undefined);
      return answer ? [answer.status, answer.body] : [404, { message: "Not Found" }];
    });
  return seen;
}

export interface GrantOptions {
  expiresIn?: number;
  refreshToken?: boolean;
}

/** GitHub's token endpoint answer for a GitHub App user token (8 h, with a 6-month refresh token by default). */
export function issueGrant(app: UsersTestApp, login: string, options: GrantOptions = {}) {
  const accessToken = `ghu_${randomBytes(18).toString("base64url")}`;
  const refreshToken = `ghr_${randomBytes(36).toString("base64url")}`;
  app.tokens.set(accessToken, login);
  return {
    accessToken,
    refreshToken,
    body: {
      access_token: accessToken,
      token_type: "bearer",
      scope: "",
      ...(options.refreshToken === false
        ? {}
        : { expires_in: options.expiresIn ?? 28_800, refresh_token: refreshToken, refresh_token_expires_in: 15_897_600 }),
    },
  };
}

export interface SignedIn {
  jar: CookieJar;
  userId: number;
  location: string;
  accessToken: string;
  refreshToken: string;
}

/** The whole web flow as a browser makes it: GitHub's token endpoint faked here, its API by serveFixtureGithub. */
export async function signIn(app: UsersTestApp, login = "mona", options: GrantOptions & { jar?: CookieJar; returnTo?: string } = {}): Promise<SignedIn> {
  const jar = options.jar ?? new CookieJar();
  const start = await app.request(`/auth/github${options.returnTo ? `?returnTo=${encodeURIComponent(options.returnTo)}` : ""}`, { jar });
  if (start.status !== 302) throw new Error(`sign-in did not redirect: ${start.status} ${await start.text()}`);
  const authorize = new URL(start.headers.get("location")!);
  const state = authorize.searchParams.get("state")!;
  const challenge = authorize.searchParams.get("code_challenge")!;
  const code = randomBytes(10).toString("hex");
  const grant = issueGrant(app, login, options);
  const github = nock(app.webUrl)
    .post("/login/oauth/access_token", (body: Record<string, string>) => {
      const verifier = body.code_verifier ?? "";
      return body.code === code && createHash("sha256").update(verifier).digest("base64url") === challenge && body.client_secret === "test-client-secret";
    })
    .reply(200, grant.body);
  const user = fixtureUsers[login]!;
  const callback = await app.request(`/auth/github/callback?code=${code}&state=${state}`, { jar });
  if (callback.status !== 303) throw new Error(`callback failed: ${callback.status} ${await callback.text()}`);
  github.done();
  const row = (await app.db.knex("users").where({ github_id: user.id }).first("id")) as { id: number };
  return { jar, userId: Number(row.id), location: callback.headers.get("location")!, accessToken: grant.accessToken, refreshToken: grant.refreshToken };
}
