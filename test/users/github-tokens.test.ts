import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDb, dumpEmbeddedDb } from "../../src/db/create-db.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { GithubAuthorizationRevokedError } from "../../src/users/index.js";
import { rotateKeys } from "../../src/users/tokens/rotate-keys.js";
import { readGithubTokens, saveGithubTokens } from "../../src/users/tokens/github-token-store.js";
import { createTokenVault, TokenDecryptionError } from "../../src/users/tokens/token-vault.js";
import { silentLog, waitFor } from "../helpers/test-app.js";
import { issueGrant, serveFixtureGithub, signIn, startUsersApp, type UsersTestApp } from "./users-test-kit.js";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const DEV_KEY = { id: "dev", key: Buffer.from("aWxsdW1pbmF0ZS1kZXZlbG9wbWVudC1rZXktMzJieXQ=", "base64") };
const NEW_KEY = { id: "k2", key: Buffer.alloc(32, 0x5a) };

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

async function databaseDump(): Promise<Buffer> {
  if (app.db.kind === "pglite") return gunzipSync(Buffer.from(await (await dumpEmbeddedDb(app.db)).arrayBuffer()));
  const { rows } = await app.db.knex.raw<{ rows: Array<{ name: string }> }>("select current_database() as name");
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${rows[0]!.name}`;
  const { stdout } = await run("pg_dump", ["--data-only", url.toString()], { maxBuffer: 64 * 1024 * 1024, encoding: "buffer" });
  return stdout;
}

const waitForAnalysis = (userId: number) =>
  waitFor(async () => {
    const row = await app.db.knex("users").where({ id: userId }).first("profile_status");
    return row?.profile_status === "done" || row?.profile_status === "failed" ? row : undefined;
  }, 15_000, "profile analysis");

describe("GitHub tokens at rest", () => {
  it("a database dump after sign-in contains no plaintext token", async () => {
    const { accessToken, refreshToken, jar, userId } = await signIn(app, "mona");
    await waitForAnalysis(userId);
    const dump = await databaseDump();
    // The dump does hold the user's data in the clear, so a plaintext token would show.
    expect(dump.includes("Building small tools for readers")).toBe(true);
    for (const secret of [accessToken, refreshToken, jar.get("illuminate_refresh")!]) expect(dump.includes(secret)).toBe(false);
  });

  it("tampering with one byte of a stored ciphertext makes it fail to decrypt", async () => {
    const { userId } = await signIn(app, "hubot");
    const vault = createTokenVault([DEV_KEY]);
    expect((await readGithubTokens(app.db.knex, vault, userId))?.accessToken).toMatch(/^ghu_/);
    const row = await app.db.knex("user_tokens").where({ user_id: userId, kind: "access" }).first("ciphertext");
    const ciphertext = Buffer.from(row.ciphertext);
    ciphertext[3]! ^= 0x80;
    await app.db.knex("user_tokens").where({ user_id: userId, kind: "access" }).update({ ciphertext });
    await expect(readGithubTokens(app.db.knex, vault, userId)).rejects.toThrow(TokenDecryptionError);
    await expect(app.users.getUserToken(userId)).rejects.toThrow(TokenDecryptionError);
  });

  it("key rotation re-encrypts every stored token with the new key", async () => {
    const users = [await signIn(app, "mona"), await signIn(app, "hubot")];
    const before = await app.db.knex("user_tokens").count({ n: "*" }).first();
    const report = await rotateKeys(app.db.knex, createTokenVault([NEW_KEY, DEV_KEY]), silentLog);
    expect(report.rotated).toBeGreaterThanOrEqual(4);
    expect(report.failed.filter((f) => users.some((u) => u.userId === f.userId))).toEqual([]);
    const keyIds = await app.db.knex("user_tokens").whereIn("user_id", users.map((u) => u.userId)).distinct("key_id");
    expect(keyIds).toEqual([{ key_id: "k2" }]);
    expect(await app.db.knex("user_tokens").count({ n: "*" }).first()).toEqual(before);
    const onlyNewKey = createTokenVault([NEW_KEY]);
    for (const user of users) expect((await readGithubTokens(app.db.knex, onlyNewKey, user.userId))?.accessToken).toBe(user.accessToken);
    const again = await rotateKeys(app.db.knex, createTokenVault([NEW_KEY, DEV_KEY]), silentLog);
    expect(again.rotated).toBe(0);
  });
});

describe("npm run rotate-keys", () => {
  it("re-encrypts an embedded database's tokens with the first key and reports it", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "illuminate-rotate-"));
    const db = await createDb({ dataDir });
    try {
      await migrateLatest(db);
      const [user] = await db.knex("users").insert({ github_id: 1, login: "octocat" }).returning("id");
      await saveGithubTokens(db.knex, createTokenVault([DEV_KEY]), Number(user.id), { accessToken: "ghu_rotate_me", accessExpiresAt: null, refreshToken: "ghr_rotate_me", refreshExpiresAt: null });
    } finally {
      await db.close();
    }
    const keys = `k2:${NEW_KEY.key.toString("base64")},dev:${DEV_KEY.key.toString("base64")}`;
    const { stdout } = await run("npm", ["run", "--silent", "rotate-keys"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: "", REDIS_URL: "", DATA_DIR: dataDir, ENCRYPTION_KEYS: keys, ENV_FILE: path.join(dataDir, ".env"), LOG_LEVEL: "silent", NODE_ENV: "development" },
    });
    expect(stdout).toContain('2 re-encrypted with key "k2"');
    const reopened = await createDb({ dataDir });
    try {
      expect(await reopened.knex("user_tokens").distinct("key_id")).toEqual([{ key_id: "k2" }]);
      const tokens = await readGithubTokens(reopened.knex, createTokenVault([NEW_KEY]), 1);
      expect(tokens).toMatchObject({ accessToken: "ghu_rotate_me", refreshToken: "ghr_rotate_me" });
    } finally {
      await reopened.close();
    }
  }, 120_000);
});

describe("expiring GitHub user tokens", () => {
  it("refreshes a token about to expire with grant_type=refresh_token, once for concurrent callers, and stores the new pair encrypted", async () => {
    const { userId, accessToken, refreshToken } = await signIn(app, "mona");
    expect(await app.users.getUserToken(userId)).toBe(accessToken);
    app.clock.advance(8 * 3600_000 - 60_000);
    const next = issueGrant(app, "mona");
    const github = nock(app.webUrl)
      .post("/login/oauth/access_token", { client_id: "Iv1.testclient", client_secret: "test-client-secret", grant_type: "refresh_token", refresh_token: refreshToken })
      .reply(200, next.body);
    const tokens = await Promise.all([app.users.getUserToken(userId), app.users.getUserToken(userId), app.users.getUserToken(userId)]);
    expect(tokens).toEqual([next.accessToken, next.accessToken, next.accessToken]);
    github.done();
    const stored = await readGithubTokens(app.db.knex, createTokenVault([DEV_KEY]), userId);
    expect(stored).toMatchObject({ accessToken: next.accessToken, refreshToken: next.refreshToken });
    expect(stored!.accessExpiresAt!.getTime()).toBe(app.clock.now.getTime() + 28_800_000);
    expect(await app.users.getUserToken(userId)).toBe(next.accessToken);
  });

  it("a refresh token GitHub refuses (bad_refresh_token) signs the user out cleanly", async () => {
    const { userId, jar } = await signIn(app, "hubot");
    app.clock.advance(8 * 3600_000);
    const github = nock(app.webUrl)
      .post("/login/oauth/access_token")
      .reply(200, { error: "bad_refresh_token", error_description: "The refresh token passed is incorrect or expired." });
    await expect(app.users.getUserToken(userId)).rejects.toThrow(GithubAuthorizationRevokedError);
    github.done();
    expect(await app.db.knex("user_tokens").where({ user_id: userId })).toEqual([]);
    const families = await app.db.knex("refresh_token_families").where({ user_id: userId });
    expect(families.every((f: { revoked_reason: string }) => f.revoked_reason === "github_revoked")).toBe(true);
    const refreshed = await app.request("/auth/refresh", { jar, method: "POST" });
    expect(refreshed.status).toBe(401);
    expect(((await refreshed.json()) as { error: { code: string } }).error.code).toBe("session_revoked");
  });

  it("a token GitHub answers 401 to (revoked on GitHub) signs the user out when a job uses it", async () => {
    const { userId, jar } = await signIn(app, "mona");
    await waitForAnalysis(userId);
    nock.cleanAll();
    serveFixtureGithub(app, { loginForToken: () => null });
    const queued = await app.request("/api/users/me/refresh-profile", { jar, method: "POST", csrf: true });
    expect(queued.status).toBe(202);
    await waitFor(async () => (await app.db.knex("refresh_token_families").where({ user_id: userId }).whereNull("revoked_at")).length === 0, 15_000, "sign-out");
    expect(await app.db.knex("user_tokens").where({ user_id: userId })).toEqual([]);
    const user = await waitFor(async () => {
      const row = await app.db.knex("users").where({ id: userId }).first("profile_status", "profile_error");
      return row.profile_status === "failed" ? row : undefined;
    });
    expect(user.profile_error).toContain("revoked");
  });

  it("a token without expiry (expiring tokens turned off for the App) is used as is", async () => {
    const { userId, accessToken } = await signIn(app, "hubot", { refreshToken: false });
    app.clock.advance(30 * 24 * 3600_000);
    expect(await app.users.getUserToken(userId)).toBe(accessToken);
  });
});
