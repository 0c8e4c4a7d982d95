import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deriveSessionKeys } from "../../src/users/session/session-keys.js";
import { hashRefreshToken, REUSE_GRACE_MS, SESSION_ABSOLUTE_TTL_MS } from "../../src/users/session/refresh-tokens.js";
import { CookieJar, serveFixtureGithub, signIn, startUsersApp, type UsersTestApp } from "./users-test-kit.js";

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

const me = (jar: CookieJar) => app.request("/api/users/me", { jar, headers: { accept: "application/json" } });
const refresh = (jar: CookieJar) => app.request("/auth/refresh", { jar, method: "POST" });
const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

function withAccessToken(jar: CookieJar, token: string): CookieJar {
  const copy = jar.clone();
  copy.values.set("illuminate_session", token);
  return copy;
}

describe("access tokens (JWT, HS256, 15 minutes)", () => {
  it("is accepted while fresh and refused as expired after 15 minutes", async () => {
    const { jar } = await signIn(app);
    expect((await me(jar)).status).toBe(200);
    app.clock.advance(16 * 60_000);
    const expired = await me(jar);
    expect(expired.status).toBe(401);
    expect(await errorCode(expired)).toBe("session_expired");
  });

  it("refuses a token signed with another key, an alg:none token, and one for another audience or issuer", async () => {
    const { jar, userId } = await signIn(app);
    const sessionId = String((await app.db.knex("refresh_token_families").where({ user_id: userId }).orderBy("id", "desc").first("id")).id);
    const claims = { login: "mona", sid: sessionId };
    const now = Math.floor(app.clock.now.getTime() / 1000);
    const realKey = deriveSessionKeys("illuminate-development-session-secret-not-for-production").accessToken;
    const sign = (key: Uint8Array, audience: string, issuer: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setSubject(String(userId)).setAudience(audience).setIssuer(issuer).setIssuedAt(now).setExpirationTime(now + 600).sign(key);

    const genuine = await sign(realKey, "illuminate-api", "http://localhost:3000");
    expect((await me(withAccessToken(jar, genuine))).status).toBe(200);

    const forged = await sign(new TextEncoder().encode("x".repeat(48)), "illuminate-api", "http://localhost:3000");
    const unsigned = new UnsecuredJWT(claims).setSubject(String(userId)).setAudience("illuminate-api").setIssuer("http://localhost:3000").setIssuedAt(now).setExpirationTime(now + 600).encode();
    const wrongAudience = await sign(realKey, "someone-else", "http://localhost:3000");
    const wrongIssuer = await sign(realKey, "illuminate-api", "https://evil.example");
    const tampered = genuine.replace(/\.([^.]+)\./, (_m, payload: string) => `.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), sub: "999" })).toString("base64url")}.`);
    for (const token of [forged, unsigned, wrongAudience, wrongIssuer, tampered, "not-a-jwt"]) {
      const response = await me(withAccessToken(jar, token));
      expect(response.status).toBe(401);
      expect(await errorCode(response)).toBe("invalid_session");
    }
  });

  it("answers 401 to a request without a session", async () => {
    const response = await app.request("/api/users/me");
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("unauthenticated");
  });
});

describe("refresh tokens (rotating, hashed, in families)", () => {
  it("stores only a SHA-256 hash of the refresh token", async () => {
    const { jar, userId } = await signIn(app);
    const token = jar.get("illuminate_refresh")!;
    const rows = await app.db.knex("refresh_tokens").where({ user_id: userId });
    expect(rows.some((r: { token_hash: string }) => r.token_hash === hashRefreshToken(token))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("every refresh issues a new refresh token and retires the old one; the new access token works", async () => {
    const { jar } = await signIn(app);
    const first = jar.get("illuminate_refresh")!;
    app.clock.advance(20 * 60_000);
    const response = await refresh(jar);
    expect(response.status).toBe(200);
    const second = jar.get("illuminate_refresh")!;
    expect(second).not.toBe(first);
    expect((await me(jar)).status).toBe(200);
    const old = await app.db.knex("refresh_tokens").where({ token_hash: hashRefreshToken(first) }).first();
    expect(old.retired_at).toBeInstanceOf(Date);
  });

  it("presenting a retired refresh token revokes the whole family: thief and victim are both signed out", async () => {
    const { jar } = await signIn(app);
    const stolen = jar.clone();
    app.clock.advance(20 * 60_000);
    expect((await refresh(jar)).status).toBe(200);
    app.clock.advance(REUSE_GRACE_MS + 1_000);

    const reuse = await refresh(stolen);
    expect(reuse.status).toBe(401);
    expect(await errorCode(reuse)).toBe("refresh_token_reused");
    const family = await app.db.knex("refresh_token_families").orderBy("id", "desc").first();
    expect(family).toMatchObject({ revoked_reason: "reuse" });
    expect(family.revoked_at).toBeInstanceOf(Date);

    const victimRefresh = await refresh(jar);
    expect(await errorCode(victimRefresh)).toBe("session_revoked");
    const victimAccess = await me(withAccessToken(jar, jar.get("illuminate_session") ?? ""));
    expect(victimAccess.status).toBe(401);
  });

  it("two tabs refreshing at the same moment both stay signed in (reuse grace window)", async () => {
    const { jar } = await signIn(app);
    const otherTab = jar.clone();
    app.clock.advance(20 * 60_000);
    expect((await refresh(jar)).status).toBe(200);
    app.clock.advance(2_000);
    const second = await refresh(otherTab);
    expect(second.status).toBe(200);
    // It got an access token but kept the refresh cookie the first answer set.
    expect(second.headers.getSetCookie().some((c) => c.startsWith("illuminate_refresh="))).toBe(false);
    expect((await me(otherTab)).status).toBe(200);
  });

  it("a session ends at its absolute expiry however often it was refreshed", async () => {
    const { jar } = await signIn(app);
    for (let day = 0; day < 29; day += 1) {
      app.clock.advance(24 * 3600_000);
      expect((await refresh(jar)).status).toBe(200);
    }
    app.clock.advance(SESSION_ABSOLUTE_TTL_MS - 29 * 24 * 3600_000 + 1_000);
    const late = await refresh(jar);
    expect(late.status).toBe(401);
    expect(await errorCode(late)).toBe("session_expired");
    expect(jar.get("illuminate_refresh")).toBeUndefined();
  });

  it("an unknown refresh token is refused, and the GET form sends the browser to sign in", async () => {
    const jar = new CookieJar();
    jar.values.set("illuminate_refresh", "made-up-token");
    expect(await errorCode(await refresh(jar))).toBe("invalid_refresh_token");
    const viaRedirect = await app.request("/auth/refresh?returnTo=/settings", { jar: new CookieJar() });
    expect(viaRedirect.status).toBe(303);
    expect(viaRedirect.headers.get("location")).toBe("/signin?reason=unauthenticated&returnTo=%2Fsettings");
  });

  it("the GET form refreshes and returns to the page, never to another site", async () => {
    const { jar } = await signIn(app);
    app.clock.advance(20 * 60_000);
    const response = await app.request(`/auth/refresh?returnTo=${encodeURIComponent("//evil.example")}`, { jar });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/");
    expect((await me(jar)).status).toBe(200);
  });
});

describe("sessions and sign-out", () => {
  it("lists the user's sessions, marks the current one, and revoking another signs it out", async () => {
    const laptop = await signIn(app, "hubot");
    const phone = await signIn(app, "hubot");
    const list = await app.request("/api/users/me/sessions", { jar: laptop.jar });
    const { sessions } = (await list.json()) as { sessions: Array<{ id: number; current: boolean; userAgent: string | null }> };
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const phoneSession = sessions.find((s) => !s.current)!;

    const revoke = await app.request(`/api/users/me/sessions/${phoneSession.id}`, { jar: laptop.jar, method: "DELETE", csrf: true });
    expect(revoke.status).toBe(204);
    expect(await errorCode(await me(phone.jar))).toBe("session_revoked");
    expect((await me(laptop.jar)).status).toBe(200);
    expect((await app.request("/api/users/me/sessions/999999", { jar: laptop.jar, method: "DELETE", csrf: true })).status).toBe(404);
    expect((await app.request("/api/users/me/sessions/abc", { jar: laptop.jar, method: "DELETE", csrf: true })).status).toBe(400);
  });

  it("logout revokes the session and clears the cookies", async () => {
    const { jar } = await signIn(app);
    const kept = jar.clone();
    const response = await app.request("/auth/logout", { jar, method: "POST", csrf: true });
    expect(response.status).toBe(204);
    expect(jar.get("illuminate_session")).toBeUndefined();
    expect(await errorCode(await me(kept))).toBe("session_revoked");
    expect(await errorCode(await refresh(kept))).toBe("session_revoked");
  });

  it("a sign-out form without the CSRF token is refused", async () => {
    const { jar } = await signIn(app);
    const response = await app.request("/auth/logout", {
      jar,
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: "csrf=wrong",
    });
    expect(response.status).toBe(403);
    expect((await me(jar)).status).toBe(200);
    const ok = await app.request("/auth/logout", {
      jar,
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `csrf=${encodeURIComponent(jar.get("illuminate_csrf")!)}`,
    });
    expect(ok.status).toBe(303);
  });
});
