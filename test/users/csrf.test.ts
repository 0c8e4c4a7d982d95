import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { serveFixtureGithub, signIn, startUsersApp, type SignedIn, type UsersTestApp } from "./users-test-kit.js";

let app: UsersTestApp;
let mona: SignedIn;
let hubot: SignedIn;

beforeAll(async () => {
  app = await startUsersApp();
});

afterAll(async () => {
  await app?.close();
});

beforeEach(async () => {
  serveFixtureGithub(app);
  mona ??= await signIn(app, "mona");
  hubot ??= await signIn(app, "hubot");
});

const patchProfile = (who: SignedIn, headers: Record<string, string>) =>
  app.request("/api/users/me/profile", { jar: who.jar, method: "PATCH", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ bio: `set at ${Date.now()}` }) });
const token = (who: SignedIn) => who.jar.get("illuminate_csrf")!;
const storedBio = async (who: SignedIn) => ((await app.db.knex("users").where({ id: who.userId }).first("bio")) as { bio: string | null }).bio;

describe("CSRF protection for cookie-authenticated writes", () => {
  it("accepts a write that echoes the session's token from our own origin", async () => {
    const response = await patchProfile(mona, { "x-csrf-token": token(mona), origin: "http://localhost:3000", "sec-fetch-site": "same-origin" });
    expect(response.status).toBe(200);
    expect(await storedBio(mona)).toMatch(/^set at/);
  });

  it("refuses a write without the token, and changes nothing", async () => {
    const before = await storedBio(hubot);
    const response = await patchProfile(hubot, {});
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "csrf_failed", message: expect.stringContaining("x-csrf-token") });
    expect(await storedBio(hubot)).toBe(before);
  });

  it("refuses another session's token, and a made-up one", async () => {
    expect((await patchProfile(hubot, { "x-csrf-token": token(mona) })).status).toBe(403);
    expect((await patchProfile(hubot, { "x-csrf-token": "A".repeat(43) })).status).toBe(403);
  });

  it("refuses a cross-site request even when it carries the right token", async () => {
    expect((await patchProfile(mona, { "x-csrf-token": token(mona), "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await patchProfile(mona, { "x-csrf-token": token(mona), "sec-fetch-site": "same-site" })).status).toBe(403);
    expect((await patchProfile(mona, { "x-csrf-token": token(mona), origin: "https://evil.example" })).status).toBe(403);
  });

  it("leaves reads alone: a GET needs no token", async () => {
    const response = await app.request("/api/users/me", { jar: mona.jar });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { csrfToken: string }).csrfToken).toBe(token(mona));
  });

  it("applies to every write route: preferences, skills, refresh-profile, onboarding, sessions and account deletion", async () => {
    const writes: Array<[string, string, unknown]> = [
      ["PATCH", "/api/users/me/preferences", { hoursPerWeek: 3 }],
      ["POST", "/api/users/me/skills", { skill: "elixir", kind: "language", level: 0.5 }],
      ["POST", "/api/users/me/refresh-profile", undefined],
      ["POST", "/api/users/me/onboarding", { state: "profile_analyzed" }],
      ["DELETE", "/api/users/me/sessions", undefined],
      ["DELETE", "/api/users/me", { confirmLogin: "hubot" }],
    ];
    for (const [method, path, body] of writes) {
      const response = await app.request(path, { jar: hubot.jar, method, ...(body ? { body: JSON.stringify(body) } : {}) });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    expect(await app.db.knex("users").where({ id: hubot.userId }).first()).toBeTruthy();
  });
});
