import { createHash } from "node:crypto";
import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CookieJar, issueGrant, serveFixtureGithub, signIn, startUsersApp, type UsersTestApp } from "./users-test-kit.js";

let app: UsersTestApp;

beforeAll(async () => {
  app = await startUsersApp();
});

afterAll(async () => {
  await app?.close();
});

beforeEach(() => {
  serveFixtureGithub(app);
});

async function begin(jar = new CookieJar()) {
  const response = await app.request("/auth/github?returnTo=/settings", { jar });
  const location = new URL(response.headers.get("location")!);
  return { jar, response, location, state: location.searchParams.get("state")! };
}

describe("signing in with GitHub (web flow with state and PKCE)", () => {
  it("redirects to GitHub's authorize page with the client id, callback, a state and an S256 challenge, and no scopes", async () => {
    const { response, location, jar } = await begin();
    expect(response.status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe("https://github.com/login/oauth/authorize");
    expect(location.searchParams.get("client_id")).toBe("Iv1.testclient");
    expect(location.searchParams.get("redirect_uri")).toBe("http://localhost:3000/auth/github/callback");
    expect(location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(location.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get("state")!.length).toBeGreaterThanOrEqual(32);
    expect(location.searchParams.has("scope")).toBe(false);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("illuminate_oauth="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/auth\/github/);
    // The verifier travels only in the signed cookie, never in the URL.
    expect(location.search).not.toContain(jar.get("illuminate_oauth")!.split(".")[1]);
  });

  it("exchanges the code with the PKCE verifier, creates the user with encrypted tokens and starts a session", async () => {
    const signedIn = await signIn(app, "mona");
    expect(signedIn.location).toBe("/onboarding");
    for (const name of ["illuminate_session", "illuminate_refresh", "illuminate_csrf"]) expect(signedIn.jar.get(name)).toBeTruthy();
    const user = await app.db.knex("users").where({ id: signedIn.userId }).first();
    expect(user).toMatchObject({ login: "mona", name: "Mona Lisa Octocat", onboarding_state: expect.any(String) });
    const tokens = await app.db.knex("user_tokens").where({ user_id: signedIn.userId }).orderBy("kind");
    expect(tokens.map((t: { kind: string }) => t.kind)).toEqual(["access", "refresh"]);
    expect(Buffer.from(tokens[0].ciphertext).toString("utf8")).not.toContain(signedIn.accessToken);

    const me = await app.request("/api/users/me", { jar: signedIn.jar });
    expect(me.status).toBe(200);
    const body = await me.json();
    expect(body.user).toMatchObject({ login: "mona", githubId: 583231 });
    expect(JSON.stringify(body)).not.toContain(signedIn.accessToken);
  });

  it("sets Secure cookies with host-bound names when the public URL is https", async () => {
    const secureApp = await startUsersApp({ env: { PUBLIC_URL: "https://illuminate.example.org" } });
    try {
      serveFixtureGithub(secureApp);
      const response = await secureApp.request("/auth/github");
      expect(response.headers.getSetCookie()[0]).toMatch(/Secure/);
      const { jar } = await signIn(secureApp, "hubot");
      expect(jar.get("__Host-illuminate_session")).toBeTruthy();
      expect(jar.get("__Secure-illuminate_refresh")).toBeTruthy();
    } finally {
      await secureApp.close();
    }
  });

  it("refuses a callback whose state does not match, without calling GitHub", async () => {
    const github = nock(app.webUrl);
    const { jar } = await begin();
    const response = await app.request("/auth/github/callback?code=abc123&state=forged-state-value", { jar, headers: { accept: "application/json" } });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("state_mismatch");
    expect(jar.get("illuminate_session")).toBeUndefined();
    github.done();
    expect(nock.pendingMocks().filter((m) => m.includes("access_token"))).toEqual([]);
  });

  it("refuses a callback without the browser's sign-in cookie (started elsewhere, or expired)", async () => {
    const { state } = await begin();
    const response = await app.request(`/auth/github/callback?code=abc123&state=${state}`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("did not start in this browser");
  });

  it("refuses an expired sign-in attempt", async () => {
    const { jar, state } = await begin();
    app.clock.advance(11 * 60_000);
    const response = await app.request(`/auth/github/callback?code=abc123&state=${state}`, { jar, headers: { accept: "application/json" } });
    expect((await response.json()).error.code).toBe("sign_in_expired");
  });

  it("answers 400 when GitHub refuses a replayed or wrong code, and signs nobody in", async () => {
    const { jar, state } = await begin();
    const github = nock(app.webUrl)
      .post("/login/oauth/access_token")
      .reply(200, { error: "bad_verification_code", error_description: "The code passed is incorrect or expired.", error_uri: "https://docs.github.com" });
    const response = await app.request(`/auth/github/callback?code=usedcode&state=${state}`, { jar, headers: { accept: "application/json" } });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("code_rejected");
    expect(jar.get("illuminate_session")).toBeUndefined();
    github.done();
  });

  it("a replayed callback signs nobody in: the browser's attempt is spent and GitHub refuses the used code", async () => {
    const { jar, state } = await begin();
    const attemptCookie = jar.get("illuminate_oauth")!;
    const grant = issueGrant(app, "mona");
    const github = nock(app.webUrl)
      .post("/login/oauth/access_token", (body: Record<string, string>) => body.code === "onetime")
      .reply(200, grant.body)
      .post("/login/oauth/access_token", (body: Record<string, string>) => body.code === "onetime")
      .reply(200, { error: "bad_verification_code", error_description: "The code passed is incorrect or expired." });
    const first = await app.request(`/auth/github/callback?code=onetime&state=${state}`, { jar });
    expect(first.status).toBe(303);
    expect(jar.get("illuminate_oauth")).toBeUndefined();

    const sameBrowser = await app.request(`/auth/github/callback?code=onetime&state=${state}`, { jar: jar.clone(), headers: { accept: "application/json" } });
    expect((await sameBrowser.json()).error.code).toBe("sign_in_expired");
    // An attacker who also copied the attempt cookie still meets GitHub's refusal of a used code.
    const attacker = new CookieJar();
    attacker.values.set("illuminate_oauth", attemptCookie);
    const replay = await app.request(`/auth/github/callback?code=onetime&state=${state}`, { jar: attacker, headers: { accept: "application/json" } });
    expect(replay.status).toBe(400);
    expect((await replay.json()).error.code).toBe("code_rejected");
    expect(attacker.get("illuminate_session")).toBeUndefined();
    github.done();
  });

  it("sends the user back to the sign-in page when they decline on GitHub", async () => {
    const { jar, state } = await begin();
    const response = await app.request(`/auth/github/callback?error=access_denied&error_description=denied&state=${state}`, { jar });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/signin?error=access_denied");
  });

  it("sends the PKCE verifier whose S256 hash GitHub was given", async () => {
    const { jar, location, state } = await begin();
    let verifier = "";
    const github = nock(app.webUrl)
      .post("/login/oauth/access_token", (body: Record<string, string>) => {
        verifier = body.code_verifier ?? "";
        return true;
      })
      .reply(200, { error: "bad_verification_code" });
    await app.request(`/auth/github/callback?code=abc&state=${state}`, { jar });
    github.done();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createHash("sha256").update(verifier).digest("base64url")).toBe(location.searchParams.get("code_challenge"));
  });

  it("returns an onboarded user to where they were going", async () => {
    const first = await signIn(app, "hubot");
    await app.db.knex("users").where({ id: first.userId }).update({ onboarding_state: "preferences_set" });
    const again = await signIn(app, "hubot", { returnTo: "/settings/skills" });
    expect(again.location).toBe("/settings/skills");
    expect(again.userId).toBe(first.userId);
  });

  it("ignores a returnTo that points at another site", async () => {
    const first = await signIn(app, "hubot", { returnTo: "//evil.example/steal" });
    expect(first.location).not.toContain("evil");
  });

  it("accepts the callback as a form POST too", async () => {
    const { jar, state } = await begin();
    const github = nock(app.webUrl).post("/login/oauth/access_token").reply(200, { error: "bad_verification_code" });
    const response = await app.request("/auth/github/callback", {
      jar,
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ code: "abc", state }).toString(),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("code_rejected");
    github.done();
  });
});

describe("sign-in configuration", () => {
  it("answers 503 with an explanation when no OAuth client is configured", async () => {
    const unconfigured = await startUsersApp({ env: { GITHUB_CLIENT_ID: "", GITHUB_CLIENT_SECRET: "" } });
    try {
      const response = await unconfigured.request("/auth/github", { headers: { accept: "application/json" } });
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body.error.code).toBe("sign_in_not_configured");
      expect(body.error.message).toContain("GITHUB_CLIENT_ID");
    } finally {
      await unconfigured.close();
    }
  });

  it("uses the GitHub Enterprise host for authorize, token and API calls", async () => {
    const ghe = await startUsersApp({ env: { GHE_HOST: "github.example.com" } });
    try {
      serveFixtureGithub(ghe);
      const start = await ghe.request("/auth/github");
      expect(start.headers.get("location")).toMatch(/^https:\/\/github\.example\.com\/login\/oauth\/authorize\?/);
      expect(ghe.apiUrl).toBe("https://github.example.com/api/v3");
      const { userId } = await signIn(ghe, "mona");
      expect(userId).toBeGreaterThan(0);
    } finally {
      await ghe.close();
    }
  });
});
