import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listTables } from "../../src/db/list-tables.js";
import { advanceOnboarding, getPreferences, OnboardingTransitionError } from "../../src/users/index.js";
import { waitFor } from "../helpers/test-app.js";
import { serveFixtureGithub, signIn, startUsersApp, type SignedIn, type UsersTestApp } from "./users-test-kit.js";

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

const send = (who: SignedIn, method: string, path: string, body?: unknown) =>
  app.request(path, { jar: who.jar, method, csrf: true, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const json = async <T = Record<string, unknown>>(response: Response) => (await response.json()) as T;

async function analysed(login: string): Promise<SignedIn> {
  const who = await signIn(app, login);
  await waitFor(async () => (await app.db.knex("users").where({ id: who.userId }).first("onboarding_state"))?.onboarding_state !== "signed_in", 15_000, "analysis");
  return who;
}

describe("preferences", () => {
  it("saves a full set of preferences and reads them back, through the API and the service function", async () => {
    const who = await signIn(app, "mona");
    const body = {
      comfortLevel: "first_contribution",
      goals: { learn: ["Rust", "webassembly"], workKinds: ["docs", "tests"] },
      hoursPerWeek: 4,
      languages: { include: ["typescript", "go"], exclude: ["php"] },
      domains: { include: ["cli"], exclude: ["games"] },
      notifications: { channels: { email: true }, digest: "weekly" },
      timezone: "Europe/Paris",
    };
    const response = await send(who, "PATCH", "/api/users/me/preferences", body);
    expect(response.status).toBe(200);
    const expected = {
      comfortLevel: "first_contribution",
      difficulty: "beginner",
      goals: { learn: ["rust", "webassembly"], workKinds: ["docs", "tests"] },
      hoursPerWeek: 4,
      languages: { include: ["typescript", "go"], exclude: ["php"] },
      domains: { include: ["cli"], exclude: ["games"] },
      notifications: { channels: { inApp: true, email: true }, digest: "weekly" },
      timezone: "Europe/Paris",
    };
    expect((await json(response)).preferences).toEqual(expected);
    expect(await getPreferences(app.db, who.userId)).toEqual(expected);
    expect((await json(await app.request("/api/users/me", { jar: who.jar }))).preferences).toEqual(expected);

    const partial = await send(who, "PATCH", "/api/users/me/preferences", { notifications: { digest: "off" }, hoursPerWeek: null });
    expect((await json<{ preferences: typeof expected }>(partial)).preferences).toMatchObject({ hoursPerWeek: null, notifications: { channels: { inApp: true, email: true }, digest: "off" }, timezone: "Europe/Paris" });
  });

  it("rejects unknown fields and bad values with a clear 400 that names them, and stores nothing", async () => {
    const who = await signIn(app, "hubot");
    const before = await getPreferences(app.db, who.userId);
    const cases: Array<[unknown, RegExp]> = [
      [{ favouriteColour: "blue" }, /favouriteColour/],
      [{ notifications: { channels: { sms: true } } }, /sms/],
      [{ comfortLevel: "guru" }, /comfortLevel/],
      [{ hoursPerWeek: 200 }, /hoursPerWeek/],
      [{ hoursPerWeek: "lots" }, /hoursPerWeek/],
      [{ goals: { workKinds: ["marketing"] } }, /workKinds/],
      [{ languages: { include: ["go"], exclude: ["go"] } }, /both included and excluded/],
      [{ timezone: "Mars/Olympus_Mons" }, /time zone/],
      [{ languages: { include: ["<script>"] } }, /skill name/],
    ];
    for (const [body, message] of cases) {
      const response = await send(who, "PATCH", "/api/users/me/preferences", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await json<{ error: { message: string } }>(response)).error.message).toMatch(message);
    }
    const notJson = await app.request("/api/users/me/preferences", { jar: who.jar, method: "PATCH", csrf: true, headers: { "content-type": "application/json" }, body: "{oops" });
    expect(notJson.status).toBe(400);
    expect(await getPreferences(app.db, who.userId)).toEqual(before);
  });

  it("updates the profile (name, bio, public profile opt-in) and refuses unknown fields", async () => {
    const who = await signIn(app, "mona");
    const response = await send(who, "PATCH", "/api/users/me/profile", { name: "Mona", bio: "Hello", publicProfile: true });
    expect((await json(response)).user).toMatchObject({ name: "Mona", bio: "Hello", publicProfile: true });
    expect((await send(who, "PATCH", "/api/users/me/profile", { login: "someone-else" })).status).toBe(400);
  });
});

describe("the onboarding state machine", () => {
  it("walks signed_in → profile_analyzed (job) → preferences_set (saving preferences), visible in /api/users/me", async () => {
    const who = await signIn(app, "hubot");
    await app.db.knex("users").where({ id: who.userId }).update({ onboarding_state: "signed_in", profile_status: "pending" });
    const early = await send(who, "PATCH", "/api/users/me/preferences", { hoursPerWeek: 2 });
    expect((await json<{ onboarding: { state: string } }>(early)).onboarding.state).toBe("signed_in");

    app.clock.advance(120_000);
    await send(who, "POST", "/api/users/me/refresh-profile");
    await waitFor(async () => (await app.db.knex("users").where({ id: who.userId }).first("onboarding_state")).onboarding_state === "profile_analyzed");
    const saved = await send(who, "PATCH", "/api/users/me/preferences", { comfortLevel: "intermediate" });
    expect((await json<{ onboarding: { state: string } }>(saved)).onboarding.state).toBe("preferences_set");
    const me = await json<{ onboarding: Record<string, unknown> }>(await app.request("/api/users/me", { jar: who.jar }));
    expect(me.onboarding).toMatchObject({ state: "preferences_set", next: "first_feed_viewed", completed: true });
    expect((await app.db.knex("users").where({ id: who.userId }).first("onboarded_at")).onboarded_at).toBeInstanceOf(Date);
  });

  it("allows only the next step: skipping ahead is a 409, repeating a step changes nothing", async () => {
    const who = await analysed("mona");
    await app.db.knex("users").where({ id: who.userId }).update({ onboarding_state: "profile_analyzed" });
    const skip = await send(who, "POST", "/api/users/me/onboarding", { state: "first_contribution" });
    expect(skip.status).toBe(409);
    expect((await json<{ error: { code: string; message: string } }>(skip)).error).toMatchObject({ code: "onboarding_transition_not_allowed", message: expect.stringContaining("preferences_set") });
    const next = await send(who, "POST", "/api/users/me/onboarding", { state: "preferences_set" });
    expect(await json(next)).toMatchObject({ changed: true, onboarding: { state: "preferences_set" } });
    const again = await send(who, "POST", "/api/users/me/onboarding", { state: "preferences_set" });
    expect(await json(again)).toMatchObject({ changed: false });
    const backwards = await send(who, "POST", "/api/users/me/onboarding", { state: "signed_in" });
    expect(await json(backwards)).toMatchObject({ changed: false, onboarding: { state: "preferences_set" } });
    expect((await send(who, "POST", "/api/users/me/onboarding", { state: "dancing" })).status).toBe(400);

    await expect(advanceOnboarding(app.db, who.userId, "first_issue_started")).rejects.toThrow(OnboardingTransitionError);
    expect(await advanceOnboarding(app.db, who.userId, "first_feed_viewed")).toEqual({ state: "first_feed_viewed", changed: true });
  });
});

describe("deleting the account", () => {
  it("needs the login typed as confirmation", async () => {
    const who = await signIn(app, "mona");
    const response = await send(who, "DELETE", "/api/users/me", { confirmLogin: "not-me" });
    expect(response.status).toBe(400);
    expect((await json<{ error: { message: string } }>(response)).error.message).toContain('"mona"');
    expect((await send(who, "DELETE", "/api/users/me", {})).status).toBe(400);
  });

  it("deletes the user and every row of theirs, revokes the App's grant on GitHub, and ends the session", async () => {
    const who = await analysed("hubot");
    await send(who, "PATCH", "/api/users/me/preferences", { hoursPerWeek: 5 });
    const grant = nock("https://api.github.com")
      .delete("/applications/Iv1.testclient/grant", (body: { access_token: string }) => body.access_token === who.accessToken)
      .basicAuth({ user: "Iv1.testclient", pass: "test-client-secret" })
      .reply(204);
    const response = await send(who, "DELETE", "/api/users/me", { confirmLogin: "Hubot" });
    expect(response.status).toBe(204);
    grant.done();
    for (const table of await listTables(app.db)) {
      const columns = await app.db.knex(table).columnInfo();
      if ("user_id" in columns) expect(await app.db.knex(table).where({ user_id: who.userId }), table).toEqual([]);
    }
    expect(await app.db.knex("users").where({ id: who.userId })).toEqual([]);
    expect((await app.request("/api/users/me", { jar: who.jar })).status).toBe(401);
  });
});
