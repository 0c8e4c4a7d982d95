import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
const key32 = Buffer.alloc(32, 7).toString("base64");

const production = {
  NODE_ENV: "production",
  PUBLIC_URL: "https://illuminate.example.org",
  APP_ID: "42",
  PRIVATE_KEY: privateKey,
  WEBHOOK_SECRET: "a-real-secret",
  GITHUB_CLIENT_ID: "Iv1.abc",
  GITHUB_CLIENT_SECRET: "shh",
  SESSION_SECRET: "x".repeat(40),
  ENCRYPTION_KEYS: `k1:${key32}`,
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("configuration", () => {
  it("with nothing set, runs on embedded defaults in setup mode", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.role).toBe("all");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.github.appConfigured).toBe(false);
    expect(config.github.webhookSecret).toBe("development");
    expect(config.github.apiUrl).toBe("https://api.github.com");
    expect(config.publicUrl).toBe("http://localhost:3000");
    expect(config.encryptionKeys[0]?.key).toHaveLength(32);
  });

  it("a complete production environment is accepted", () => {
    const config = loadConfig(production);
    expect(config.github.appConfigured).toBe(true);
    expect(config.github.appId).toBe(42);
    expect(config.encryptionKeys.map((k) => k.id)).toEqual(["k1"]);
  });

  it("names every invalid variable at once", () => {
    const problems = problemsOf({ PORT: "eighty", ROLE: "janitor", DATABASE_URL: "not a url", LOG_LEVEL: "loud" });
    expect(problems.map((p) => p.split(":")[0])).toEqual(expect.arrayContaining(["PORT", "ROLE", "DATABASE_URL", "LOG_LEVEL"]));
    expect(problems).toHaveLength(4);
  });

  it("in production, refuses Probot's default webhook secret and missing secrets", () => {
    const problems = problemsOf({ ...production, WEBHOOK_SECRET: "development", SESSION_SECRET: undefined, ENCRYPTION_KEYS: undefined });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^WEBHOOK_SECRET: .*default/),
        expect.stringMatching(/^SESSION_SECRET: required/),
        expect.stringMatching(/^ENCRYPTION_KEYS: required/),
      ]),
    );
    expect(problemsOf({ ...production, PRIVATE_KEY: undefined })).toEqual(expect.arrayContaining([expect.stringMatching(/^PRIVATE_KEY/)]));
  });

  it("runs one job per lane at a time unless WORKER_CONCURRENCY says more, and refuses a count that is not one", () => {
    expect(loadConfig({}).workerConcurrency).toBe(1);
    expect(loadConfig({ WORKER_CONCURRENCY: "4" }).workerConcurrency).toBe(4);
    for (const bad of ["0", "many", "2.5", "1000"]) expect(problemsOf({ WORKER_CONCURRENCY: bad })).toEqual([expect.stringMatching(/^WORKER_CONCURRENCY: /)]);
  });

  it("an app id without its key, or a client id without its secret, is refused", () => {
    expect(problemsOf({ APP_ID: "5" })).toEqual([expect.stringMatching(/^PRIVATE_KEY: /)]);
    expect(problemsOf({ GITHUB_CLIENT_ID: "Iv1.x" })).toEqual([expect.stringMatching(/^GITHUB_CLIENT_SECRET: /)]);
  });

  it("encryption keys must be 32 bytes with distinct ids; the first one encrypts", () => {
    expect(problemsOf({ ENCRYPTION_KEYS: "k1:c2hvcnQ=" })).toEqual([expect.stringMatching(/^ENCRYPTION_KEYS: /)]);
    expect(problemsOf({ ENCRYPTION_KEYS: `k1:${key32},k1:${key32}` })).toEqual([expect.stringMatching(/appears twice/)]);
    const config = loadConfig({ ENCRYPTION_KEYS: `new:${key32}, old:${Buffer.alloc(32, 1).toString("base64")}` });
    expect(config.encryptionKeys.map((k) => k.id)).toEqual(["new", "old"]);
  });

  it("accepts the private key with escaped newlines or base64-encoded, and rejects garbage", () => {
    expect(loadConfig({ APP_ID: "1", PRIVATE_KEY: privateKey.replace(/\n/g, "\\n") }).github.privateKey).toBe(privateKey);
    expect(loadConfig({ APP_ID: "1", PRIVATE_KEY: Buffer.from(privateKey).toString("base64") }).github.privateKey).toBe(privateKey);
    expect(problemsOf({ APP_ID: "1", PRIVATE_KEY: "hello" })).toEqual([expect.stringMatching(/^PRIVATE_KEY: not a PEM/)]);
  });

  it("GitHub Enterprise host moves both the API and the web URL", () => {
    const config = loadConfig({ GHE_HOST: "github.example.com" });
    expect(config.github.apiUrl).toBe("https://github.example.com/api/v3");
    expect(config.github.webUrl).toBe("https://github.example.com");
    expect(problemsOf({ GHE_HOST: "https://github.example.com/" })).toEqual([expect.stringMatching(/^GHE_HOST: /)]);
  });

  it("the server exits non-zero with one readable line naming each bad variable", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { PATH: process.env.PATH, PORT: "-1", REDIS_URL: "nope" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^illuminate: invalid configuration: .*PORT: .*REDIS_URL: /);
  });
});
