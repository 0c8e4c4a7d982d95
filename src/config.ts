import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { z } from "zod";

/** Probot's default webhook secret: fine on a laptop, refused in production. */
export const DEFAULT_WEBHOOK_SECRET = "development";
const DEV_SESSION_SECRET = "illuminate-development-session-secret-not-for-production";
// A fixed development key so tokens stored locally survive restarts; production must set its own.
const DEV_ENCRYPTION_KEYS = "dev:aWxsdW1pbmF0ZS1kZXZlbG9wbWVudC1rZXktMzJieXQ=";

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());
const optionalUrl = z.preprocess(blankToUndefined, z.url().optional());

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** `ENCRYPTION_KEYS=k2:<base64 32 bytes>,k1:<base64 32 bytes>` — the first key encrypts, all decrypt. */
const encryptionKeys = z.string().transform((raw, ctx): EncryptionKey[] => {
  const keys: EncryptionKey[] = [];
  for (const part of raw.split(",").map((p) => p.trim()).filter(Boolean)) {
    const separator = part.indexOf(":");
    const id = separator > 0 ? part.slice(0, separator) : "";
    const key = Buffer.from(part.slice(separator + 1), "base64");
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
      ctx.addIssue({ code: "custom", message: "expected comma-separated <key id>:<base64 of 32 bytes>" });
      return z.NEVER;
    }
    if (keys.some((k) => k.id === id)) {
      ctx.addIssue({ code: "custom", message: `key id "${id}" appears twice` });
      return z.NEVER;
    }
    keys.push({ id, key });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: "custom", message: "at least one key is required" });
    return z.NEVER;
  }
  return keys;
});

/** The feed score's weights: the five components, each default overridable, normalised to sum to 1. */
export const DEFAULT_FEED_WEIGHTS = { skill: 0.35, growth: 0.2, health: 0.2, freshness: 0.15, competition: 0.1 };
export type FeedWeights = typeof DEFAULT_FEED_WEIGHTS;

/** `FEED_WEIGHTS=skill=0.5,growth=0.1` — unnamed components keep their default. */
const feedWeights = z.string().transform((raw, ctx): FeedWeights => {
  const weights = { ...DEFAULT_FEED_WEIGHTS };
  for (const part of raw.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [name, value] = part.split("=").map((p) => p.trim());
    const number = Number(value);
    if (!name || !(name in weights) || value === undefined || value === "" || !Number.isFinite(number) || number < 0) {
      ctx.addIssue({ code: "custom", message: `expected name=weight pairs with names ${Object.keys(weights).join(", ")} and weights >= 0, got "${part}"` });
      return z.NEVER;
    }
    weights[name as keyof FeedWeights] = number;
  }
  const total = Object.values(weights).reduce((sum, w) => sum + w, 0);
  if (total <= 0) {
    ctx.addIssue({ code: "custom", message: "at least one weight must be positive" });
    return z.NEVER;
  }
  for (const name of Object.keys(weights) as Array<keyof FeedWeights>) weights[name] = weights[name] / total;
  return weights;
});

/** How many requests a key may make per window: `points` per `durationSeconds`. */
export interface RateLimitRule {
  points: number;
  durationSeconds: number;
}

/**
 * auth and public: per client IP on /auth/* and the public portfolio pages and widgets; api: per
 * signed-in user on /api; generate and regenerate: deep dives a signed-in reader may set off.
 */
export const DEFAULT_RATE_LIMITS = {
  auth: { points: 60, durationSeconds: 60 },
  public: { points: 300, durationSeconds: 60 },
  api: { points: 600, durationSeconds: 60 },
  generate: { points: 20, durationSeconds: 3600 },
  regenerate: { points: 5, durationSeconds: 3600 },
} satisfies Record<string, RateLimitRule>;
export type RateLimits = Record<keyof typeof DEFAULT_RATE_LIMITS, RateLimitRule>;

/** `RATE_LIMITS=auth=20/60,api=1200/60` — points per seconds; unnamed limits keep their default. */
const rateLimits = z.string().transform((raw, ctx): RateLimits => {
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS };
  for (const part of raw.split(",").map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]+)\s*=\s*(\d{1,9})\s*\/\s*(\d{1,7})$/.exec(part);
    const name = match?.[1];
    if (!match || !name || !Object.hasOwn(limits, name) || Number(match[2]) < 1 || Number(match[3]) < 1) {
      ctx.addIssue({ code: "custom", message: `expected name=points/seconds with names ${Object.keys(limits).join(", ")}, got "${part}"` });
      return z.NEVER;
    }
    limits[name as keyof RateLimits] = { points: Number(match[2]), durationSeconds: Number(match[3]) };
  }
  return limits;
});

/** `TRUST_PROXY=1`: how many proxies in front of us add X-Forwarded-For; `false` believes none. */
const trustProxy = z.string().transform((raw, ctx): number | false => {
  const value = raw.trim().toLowerCase();
  if (value === "false" || value === "0") return false;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  ctx.addIssue({ code: "custom", message: `expected a number of proxy hops (1, 2, …) or false, got "${raw}"` });
  return z.NEVER;
});

/** `CORS_ORIGINS=https://a.example,https://b.example` — origins only, no paths. */
const corsOrigins = z.string().transform((raw, ctx): string[] => {
  const origins: string[] = [];
  for (const part of raw.split(",").map((p) => p.trim()).filter(Boolean)) {
    let url: URL | null;
    try {
      url = new URL(part);
    } catch {
      url = null;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== part.replace(/\/$/, "")) {
      ctx.addIssue({ code: "custom", message: `expected comma-separated origins such as https://illuminate.example, got "${part}"` });
      return z.NEVER;
    }
    origins.push(url.origin);
  }
  return origins;
});

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    ROLE: z.enum(["web", "worker", "all"]).default("all"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default("0.0.0.0"),
    PUBLIC_URL: optionalUrl,
    DATABASE_URL: optionalUrl,
    DATA_DIR: z.string().default(".data"),
    REDIS_URL: optionalUrl,
    APP_ID: z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional()),
    PRIVATE_KEY: optionalString,
    PRIVATE_KEY_PATH: optionalString,
    WEBHOOK_SECRET: z.preprocess(blankToUndefined, z.string().min(1).default(DEFAULT_WEBHOOK_SECRET)),
    GITHUB_CLIENT_ID: optionalString,
    GITHUB_CLIENT_SECRET: optionalString,
    GHE_HOST: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^[a-z0-9.-]+(:\d+)?$/i, "expected a host name such as github.example.com, without protocol or path")
        .optional(),
    ),
    GHE_PROTOCOL: z.enum(["https", "http"]).default("https"),
    CRAWLER_GITHUB_TOKEN: optionalString,
    TRACKED_REPOS: z.preprocess(
      blankToUndefined,
      z
        .string()
        .transform((raw) => raw.split(",").map((part) => part.trim()).filter(Boolean))
        .pipe(z.array(z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "expected comma-separated owner/name")))
        .optional(),
    ),
    ADMIN_TOKEN: z.preprocess(blankToUndefined, z.string().min(32, "must be at least 32 characters").optional()),
    METRICS_TOKEN: z.preprocess(blankToUndefined, z.string().min(32, "must be at least 32 characters").optional()),
    METRICS_PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(65535).optional()),
    ANTHROPIC_API_KEY: optionalString,
    ANTHROPIC_MODEL: z.string().min(1).default("claude-sonnet-4-6"),
    ANTHROPIC_BASE_URL: optionalUrl,
    ENCRYPTION_KEYS: z.preprocess(blankToUndefined, encryptionKeys.optional()),
    SESSION_SECRET: z.preprocess(blankToUndefined, z.string().min(32, "must be at least 32 characters").optional()),
    SMTP_URL: z.preprocess(
      blankToUndefined,
      z
        .url()
        .refine((u) => /^smtps?:/.test(u), "expected smtp:// or smtps://")
        .optional(),
    ),
    EMAIL_FROM: optionalString,
    FEED_WEIGHTS: z.preprocess(blankToUndefined, feedWeights.optional()),
    SAMPLE_DATA: z.preprocess(blankToUndefined, z.enum(["auto", "off"]).default("auto")),
    RATE_LIMITS: z.preprocess(blankToUndefined, rateLimits.optional()),
    TRUST_PROXY: z.preprocess(blankToUndefined, trustProxy.optional()),
    CORS_ORIGINS: z.preprocess(blankToUndefined, corsOrigins.optional()),
    INBOX_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    INBOX_STALE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
    ENV_FILE: z.string().min(1).default(".env"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.PRIVATE_KEY && env.PRIVATE_KEY_PATH) {
      ctx.addIssue({ code: "custom", path: ["PRIVATE_KEY_PATH"], message: "set PRIVATE_KEY or PRIVATE_KEY_PATH, not both" });
    }
    const hasKey = Boolean(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH);
    if (env.APP_ID && !hasKey) {
      ctx.addIssue({ code: "custom", path: ["PRIVATE_KEY"], message: "APP_ID is set, so the app's private key is required" });
    }
    if (hasKey && !env.APP_ID) {
      ctx.addIssue({ code: "custom", path: ["APP_ID"], message: "a private key is set, so APP_ID is required" });
    }
    if (Boolean(env.GITHUB_CLIENT_ID) !== Boolean(env.GITHUB_CLIENT_SECRET)) {
      const missing = env.GITHUB_CLIENT_ID ? "GITHUB_CLIENT_SECRET" : "GITHUB_CLIENT_ID";
      ctx.addIssue({ code: "custom", path: [missing], message: "GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET go together" });
    }
    if (env.NODE_ENV !== "production") return;
    if (env.WEBHOOK_SECRET === DEFAULT_WEBHOOK_SECRET) {
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "the default webhook secret is refused in production" });
    }
    const required = ["APP_ID", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "SESSION_SECRET", "ENCRYPTION_KEYS", "PUBLIC_URL"] as const;
    for (const name of required) {
      if (env[name] === undefined) ctx.addIssue({ code: "custom", path: [name], message: "required in production" });
    }
    if (!hasKey) ctx.addIssue({ code: "custom", path: ["PRIVATE_KEY"], message: "required in production (or PRIVATE_KEY_PATH)" });
  });

export interface Config {
  /** the dotenv file read at start, and written by the app-registration flow */
  envFile: string;
  env: "development" | "production" | "test";
  role: "web" | "worker" | "all";
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl?: string;
  dataDir: string;
  redisUrl?: string;
  github: {
    appId?: number;
    privateKey?: string;
    webhookSecret: string;
    clientId?: string;
    clientSecret?: string;
    /** https://api.github.com, or https://<GHE_HOST>/api/v3 */
    apiUrl: string;
    /** https://github.com, or https://<GHE_HOST> */
    webUrl: string;
    gheHost?: string;
    crawlerToken?: string;
    /** owner/name of repositories the crawler keeps fresh from the start (TRACKED_REPOS) */
    trackedRepos: string[];
    /** true when APP_ID and a private key are present; otherwise the server runs in setup mode */
    appConfigured: boolean;
  };
  /** baseUrl: another Messages API endpoint (a proxy, or a local fake for benchmarks) */
  anthropic: { apiKey?: string; model: string; baseUrl?: string };
  encryptionKeys: EncryptionKey[];
  sessionSecret: string;
  smtpUrl?: string;
  /** the From of notification emails (EMAIL_FROM); defaults to notifications@ the public host */
  emailFrom: string;
  /** bearer token for operator endpoints (tracking repositories, backfills); see docs/index-and-health.md */
  adminToken?: string;
  /** `GET /metrics` on the main port takes this (or the admin token) as a bearer token */
  metricsToken?: string;
  /** serve /metrics on this port instead, without a token, and not on the main port */
  metricsPort?: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** weights of the feed score's components, summing to 1 (FEED_WEIGHTS); see docs/matching.md */
  feedWeights: FeedWeights;
  /** SAMPLE_DATA: "auto" loads sample data on a first development run without a GitHub App; "off" never does */
  sampleData: "auto" | "off";
  /** request quotas (RATE_LIMITS); see docs/security.md */
  rateLimits: RateLimits;
  /** proxy hops whose X-Forwarded-For is believed (TRUST_PROXY); false: the socket's address is the client */
  trustProxy: number | false;
  /** origins a browser may call the API from with credentials (CORS_ORIGINS); the public URL's by default */
  corsOrigins: string[];
  /**
   * The webhook inbox's safety net (INBOX_SWEEP_SECONDS, INBOX_STALE_SECONDS): how often the sweeper
   * runs and how long a delivery may wait unqueued; how long one may stay "processing" before its
   * worker is presumed dead.
   */
  inbox: { sweepSeconds: number; staleSeconds: number };
  /** jobs a worker process runs at once in each lane (WORKER_CONCURRENCY; docs/architecture.md, "Lanes") */
  workerConcurrency: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
  }
}

/** Parse every setting once. Throws ConfigError listing every invalid variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`);
    throw new ConfigError([...new Set(problems)]);
  }
  const e = parsed.data;
  let privateKey = e.PRIVATE_KEY?.replace(/\\n/g, "\n");
  if (e.PRIVATE_KEY_PATH) {
    try {
      privateKey = readFileSync(e.PRIVATE_KEY_PATH, "utf8");
    } catch (error) {
      throw new ConfigError([`PRIVATE_KEY_PATH: cannot read ${e.PRIVATE_KEY_PATH} (${(error as NodeJS.ErrnoException).code ?? "error"})`]);
    }
  }
  // Like Probot, accept the key base64-encoded for hosts that cannot hold multi-line variables.
  if (privateKey !== undefined && !privateKey.includes("PRIVATE KEY-----")) {
    const decoded = Buffer.from(privateKey, "base64").toString("utf8");
    if (decoded.includes("PRIVATE KEY-----")) privateKey = decoded;
  }
  if (privateKey !== undefined && !privateKey.includes("PRIVATE KEY-----")) {
    throw new ConfigError([`${e.PRIVATE_KEY_PATH ? "PRIVATE_KEY_PATH" : "PRIVATE_KEY"}: not a PEM private key`]);
  }
  const webUrl = e.GHE_HOST ? `${e.GHE_PROTOCOL}://${e.GHE_HOST}` : "https://github.com";
  const apiUrl = e.GHE_HOST ? `${webUrl}/api/v3` : "https://api.github.com";
  return {
    envFile: e.ENV_FILE,
    env: e.NODE_ENV,
    role: e.ROLE,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL,
    github: {
      appId: e.APP_ID,
      privateKey,
      webhookSecret: e.WEBHOOK_SECRET,
      clientId: e.GITHUB_CLIENT_ID,
      clientSecret: e.GITHUB_CLIENT_SECRET,
      apiUrl,
      webUrl,
      gheHost: e.GHE_HOST,
      crawlerToken: e.CRAWLER_GITHUB_TOKEN,
      trackedRepos: e.TRACKED_REPOS ?? [],
      appConfigured: Boolean(e.APP_ID && privateKey),
    },
    anthropic: { apiKey: e.ANTHROPIC_API_KEY, model: e.ANTHROPIC_MODEL, baseUrl: e.ANTHROPIC_BASE_URL },
    encryptionKeys: e.ENCRYPTION_KEYS ?? encryptionKeys.parse(DEV_ENCRYPTION_KEYS),
    sessionSecret: e.SESSION_SECRET ?? DEV_SESSION_SECRET,
    smtpUrl: e.SMTP_URL,
    emailFrom: e.EMAIL_FROM ?? `Illuminate <notifications@${new URL(e.PUBLIC_URL ?? "http://localhost").hostname}>`,
    adminToken: e.ADMIN_TOKEN,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    logLevel: e.LOG_LEVEL,
    feedWeights: e.FEED_WEIGHTS ?? DEFAULT_FEED_WEIGHTS,
    sampleData: e.SAMPLE_DATA,
    rateLimits: e.RATE_LIMITS ?? { ...DEFAULT_RATE_LIMITS },
    trustProxy: e.TRUST_PROXY ?? false,
    corsOrigins: e.CORS_ORIGINS ?? [new URL(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).origin],
    inbox: { sweepSeconds: e.INBOX_SWEEP_SECONDS, staleSeconds: e.INBOX_STALE_SECONDS },
    workerConcurrency: e.WORKER_CONCURRENCY,
  };
}

/**
 * The process environment over the optional `.env` file (written by the app-registration flow).
 * The only place that reads process.env.
 */
export function loadConfigFromProcess(envFile = process.env.ENV_FILE ?? ".env"): Config {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, "utf8")) : {};
  return loadConfig({ ...fromFile, ...process.env, ENV_FILE: envFile });
}

/**
 * The dashboard's adapter reads ORIGIN from the environment when it loads; give it the public URL
 * so SvelteKit's form-origin check and absolute URLs agree with what users reach.
 */
export function exposeOriginToDashboard(config: Config): void {
  process.env.ORIGIN ??= config.publicUrl;
}
