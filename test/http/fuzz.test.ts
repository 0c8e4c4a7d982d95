import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { listRoutes, type RegisteredRoute } from "../../src/http/list-routes.js";
import { seedIssue, signIn, type Seeded } from "../guidance/harness.js";
import { signWebhook } from "../helpers/github-webhooks.js";
import { startTestApp, silentLog, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

// Thousands of malformed requests to every route: none may answer 5xx, none may hang, and nothing
// may leak onto Object.prototype. Deterministic: one seed, no Math.random, so a failure replays.
const SEED = 0x1ee7_c0de;
const REQUEST_TIMEOUT_MS = 5_000;
const CONCURRENCY = 6;
const ADMIN_TOKEN = "fuzz-admin-token-0123456789abcdefghijkl";

/** mulberry32: a tiny seeded generator, plenty for picking test cases. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    int: (below: number) => Math.floor(next() * below),
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)]!;
    },
    chance: (p: number) => next() < p,
  };
}
type Random = ReturnType<typeof createRandom>;

const HOSTILE_STRINGS = [
  "",
  " ",
  "0",
  "-1",
  "-0",
  "1.5",
  "1e309",
  "NaN",
  "Infinity",
  "0x1f",
  "2147483648",
  "9007199254740993",
  "99999999999999999999999999999",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "toString",
  "../../../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "<script>alert(1)</script>",
  "\"><img src=x onerror=alert(1)>",
  "'; drop table users; --",
  "' OR '1'='1",
  "$where",
  "%",
  "%00",
  "%ZZ",
  "\u0000",
  "\u0000abc",
  "\uFFFF",
  "\uD800",
  "\u202Egnp.exe",
  "😀🔥",
  "𝕏𝕐",
  "ǅ",
  "İ",
  "a\nb",
  "a\r\nSet-Cookie: x=y",
  "me",
  "track",
  "feed",
  "search",
  "a".repeat(300),
  "9".repeat(400),
  "é".repeat(2_000),
];

function deep(depth: number, kind: "array" | "object"): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === "array" ? [value] : { a: value };
  return value;
}

/** JSON values of the wrong shape, the wrong type, or an unreasonable size. */
function hostileJson(random: Random): unknown {
  switch (random.int(16)) {
    case 0:
      return null;
    case 1:
      return random.pick([true, false, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2]);
    case 2:
      return random.pick(HOSTILE_STRINGS);
    case 3:
      return "x".repeat(100_000 - 64);
    case 4:
      return [];
    case 5:
      return deep(1_000, random.pick(["array", "object"] as const));
    case 6:
      return JSON.parse('{"__proto__": {"polluted": "yes"}, "a": 1}');
    case 7:
      return { constructor: { prototype: { polluted: "yes" } } };
    case 8:
      return Array.from({ length: 5_000 }, (_, i) => i);
    case 9:
      return Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i]));
    default: {
      // A plausible object whose field values are wrong: most validation lives here.
      const fields = ["skill", "level", "name", "email", "skills", "repository", "url", "comment", "section", "reason", "deepDiveId", "issueId", "note", "interests", "timezone", "enabled", "frequency", "theme", "text", "owner", "repo", "number", "login", "title", "body", "prUrl", "id", "__proto__", "constructor"];
      const body: Record<string, unknown> = {};
      for (let i = 0; i < 1 + random.int(5); i++) {
        const value = random.chance(0.5) ? random.pick(HOSTILE_STRINGS) : random.pick<unknown>([null, -1, 1e21, [], {}, [null], { $gt: "" }, deep(50, "object"), "x".repeat(20_000), true]);
        Object.defineProperty(body, random.pick(fields), { value, enumerable: true, configurable: true, writable: true });
      }
      return body;
    }
  }
}

/** Raw bodies JSON.stringify cannot produce, with the content type they claim. */
function hostileRaw(random: Random): { body: BodyInit; contentType?: string } {
  switch (random.int(12)) {
    case 0:
      return { body: '{"a": ', contentType: "application/json" };
    case 1:
      return { body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]), contentType: "application/json" };
    case 2:
      return { body: "[".repeat(90_000), contentType: "application/json" };
    case 3:
      return { body: `${"[".repeat(5_000)}${"]".repeat(5_000)}`, contentType: "application/json" };
    case 4:
      return { body: JSON.stringify({ text: "x".repeat(300_000) }), contentType: "application/json" };
    case 5:
      return { body: "skill=typescript&__proto__[polluted]=yes", contentType: "application/x-www-form-urlencoded" };
    case 6:
      return { body: "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n", contentType: "multipart/form-data; boundary=x" };
    case 7:
      return { body: '{"skill":"typescript"}', contentType: "text/plain" };
    case 8:
      return { body: '{"skill":"typescript"}', contentType: "application/json; charset=utf-16" };
    case 9:
      return { body: '{"skill":"typescript"}', contentType: random.pick(["application/json-patch+json", "application/x-json", "*/*", "application/json, text/plain", "application/json; charset=\"", "json"]) };
    case 10:
      return { body: "\u0000\u0000\u0000", contentType: "application/json" };
    default:
      return { body: '{"skill":"typescript"}' };
  }
}

function hostileQuery(random: Random): string {
  const pairs: string[] = [];
  const keys = ["q", "limit", "offset", "cursor", "resolved", "theme", "languages", "page", "sort", "state", "label", "a[b][c]", "__proto__[polluted]", "constructor[prototype][polluted]", "limit[]", "%", "", "token"];
  for (let i = 0; i < 1 + random.int(4); i++) {
    const value = random.chance(0.2) ? "x".repeat(4_000) : random.pick(HOSTILE_STRINGS);
    pairs.push(`${random.pick(keys)}=${random.chance(0.7) ? encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, "\uFFFD")) : value.replace(/[^\x21-\x7e]/g, "")}`);
  }
  if (random.chance(0.2)) pairs.push("limit=1&limit=2");
  if (random.chance(0.1)) pairs.push("%E0%A4%A");
  return pairs.join("&");
}

/** Header values must be Latin-1 on the wire; these are odd, oversized or contradictory ones. */
function hostileHeaders(random: Random): Record<string, string> {
  const headers: Record<string, string> = {};
  switch (random.int(9)) {
    case 0:
      headers.cookie = random.pick(["illuminate_session=garbage", "illuminate_session=", "illuminate_session=a.b.c", `illuminate_session=${"x".repeat(6_000)}`, "illuminate_session=%E0%A4%A; illuminate_csrf=%", "=; ;;=="]);
      break;
    case 1:
      headers.authorization = random.pick(["Bearer", "Bearer ", `Bearer ${ADMIN_TOKEN}x`, "Basic Zm9vOmJhcg==", `Bearer ${"a".repeat(5_000)}`, "Bearer \u00ff\u00fe"]);
      break;
    case 2:
      headers.accept = random.pick(["*/*;q=abc", "application/xml", "text/html", "\u00ff"]);
      headers["accept-encoding"] = random.pick(["gzip;q=2, br;q=-1", "identity;q=0", "x"]);
      break;
    case 3:
      headers["if-none-match"] = random.pick(["*", "W/\"", "\"a\", W/\"b\", \u00ff", "\"x\"".repeat(300)]);
      headers.range = random.pick(["bytes=0-", "bytes=-1", "bytes=5-1", "items=0-10"]);
      break;
    case 4:
      headers.origin = random.pick(["null", "https://evil.example", "http://127.0.0.1", "\u00ff"]);
      headers["sec-fetch-site"] = random.pick(["cross-site", "same-site", "same-origin", "\u00ff"]);
      break;
    case 5:
      headers["x-forwarded-for"] = random.pick(["::1", "300.1.1.1", "a, b, c", "1.1.1.1, , ,", "\u00ff"]);
      headers["x-forwarded-proto"] = "gopher";
      break;
    case 6:
      headers["x-request-id"] = random.pick(["", "x".repeat(3_000), "../..", "\u00ff\u00fe", "id with spaces"]);
      break;
    case 7:
      headers["x-csrf-token"] = random.pick(["", "x", "a.b", "\u00ff".repeat(100)]);
      break;
    default:
      headers["content-type"] = random.pick(["application/json", "text/plain"]);
  }
  return headers;
}

interface Target {
  method: string;
  path: string;
}

let db: Db;
let app: TestApp;
let seeded: Seeded;
let routes: RegisteredRoute[];

beforeAll(async () => {
  db = await createTestDb();
  app = await startTestApp({ db, queue: createTestQueue(silentLog), env: { ADMIN_TOKEN } });
  seeded = await seedIssue(db, { owner: "fuzz-org", repo: "fuzz-repo", number: 7 });
  routes = listRoutes(app.illuminate.app);
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

beforeEach(() => {
  // GitHub, as far as these routes reach it, knows nothing: every call answers 404. The fuzz is about
  // our input handling, not about GitHub's answers.
  nock("https://api.github.com")
    .persist()
    .get("/app")
    .reply(200, { id: 123, slug: "illuminate-fuzz", html_url: "https://github.com/apps/illuminate-fuzz" })
    .get(/.*/)
    .reply(404, { message: "Not Found" })
    .post(/.*/)
    .reply(404, { message: "Not Found" });
  nock("https://github.com").persist().post(/.*/).reply(404, { error: "bad_verification_code" });
});

/** Hostile values for path parameters, and sometimes the real ones so the handlers go deeper. */
function fillPath(path: string, random: Random): string {
  const real: Record<string, string> = { id: String(seeded.issueId), owner: seeded.owner, repo: seeded.repo, name: seeded.repo, number: String(seeded.number) };
  return path.replace(/:(\w+)/g, (_match, name: string) => {
    if (random.chance(0.3) && real[name]) return real[name];
    const value = random.pick(HOSTILE_STRINGS).replace(/[\uD800-\uDFFF]/g, "\uFFFD");
    return random.chance(0.8) ? encodeURIComponent(value) : value.replace(/[^\x21-\x7e]/g, "").replace(/[/?#]/g, "") || "%";
  });
}

interface Outcome {
  target: string;
  status: number | "timeout" | "network";
  detail?: string;
}

async function send(url: string, init: RequestInit): Promise<{ status: number | "timeout" | "network"; detail?: string }> {
  try {
    const response = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    return { status: response.status, detail: response.status >= 500 ? text.slice(0, 300) : undefined };
  } catch (error) {
    const name = (error as Error).name;
    return { status: name === "TimeoutError" ? "timeout" : "network", detail: String((error as Error).message) };
  }
}

function planFor(target: Target, random: Random, identity: Record<string, string>, count: number): Array<{ url: string; init: RequestInit; label: string }> {
  const plan: Array<{ url: string; init: RequestInit; label: string }> = [];
  const hasBody = !["GET", "HEAD"].includes(target.method);
  for (let i = 0; i < count; i++) {
    const path = fillPath(target.path, random);
    const query = random.chance(0.5) ? `?${hostileQuery(random)}` : "";
    const headers: Record<string, string> = { ...identity };
    if (random.chance(0.4)) Object.assign(headers, hostileHeaders(random));
    let method = target.method;
    if (random.chance(0.05)) method = random.pick(["PUT", "PATCH", "DELETE", "OPTIONS", "POST"]);
    let body: BodyInit | undefined;
    if (hasBody || method !== target.method) {
      if (random.chance(0.7)) {
        body = JSON.stringify(hostileJson(random));
        headers["content-type"] ??= "application/json";
      } else {
        const raw = hostileRaw(random);
        body = raw.body;
        if (raw.contentType) headers["content-type"] = raw.contentType;
        else delete headers["content-type"];
      }
    }
    if (method === "GET" || method === "HEAD") body = undefined;
    plan.push({ url: `${app.baseUrl}${path}${query}`, init: { method, headers, body }, label: `${method} ${path}${query.slice(0, 80)}` });
  }
  return plan;
}

async function runAll(plan: Array<{ url: string; init: RequestInit; label: string }>): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < plan.length) {
        const item = plan[next++]!;
        const result = await send(item.url, item.init);
        outcomes.push({ target: item.label, ...result });
      }
    }),
  );
  return outcomes;
}

function failures(outcomes: Outcome[]): Outcome[] {
  return outcomes.filter((o) => typeof o.status !== "number" || o.status >= 500);
}

describe("fuzzing every route", () => {
  it("lists the routes it is about to fuzz", () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes).toContainEqual({ method: "GET", path: "/api/issues/:id/deep-dive" });
  });

  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

  it("signed out: malformed params, queries, bodies and headers get 2xx-4xx, within the timeout", { timeout: 120_000 }, async () => {
    const random = createRandom(SEED);
    const plan = routes.flatMap((route) => planFor(route, random, {}, 16));
    const outcomes = await runAll(plan);
    expect(outcomes.length).toBeGreaterThan(800);
    expect(failures(outcomes)).toEqual([]);
  });

  it("signed in (with a valid CSRF token, and as the operator): the same, deeper in the handlers", { timeout: 120_000 }, async () => {
    const random = createRandom(SEED + 1);
    const plan: Array<{ url: string; init: RequestInit; label: string }> = [];
    // A fresh reader per route: some routes sign out or delete the account, which ends the session.
    for (const route of routes) {
      const reader = await signIn(app, db);
      const identity = { ...reader.headers, authorization: `Bearer ${ADMIN_TOKEN}` };
      delete (identity as Record<string, string>)["content-type"];
      plan.push(...planFor(route, random, identity, 16));
    }
    const outcomes = await runAll(plan);
    expect(outcomes.length).toBeGreaterThan(800);
    expect(failures(outcomes)).toEqual([]);
  });

  it("the webhook receiver: unsigned, badly signed and signed-but-hostile deliveries never get a 5xx", { timeout: 60_000 }, async () => {
    const random = createRandom(SEED + 2);
    const plan: Array<{ url: string; init: RequestInit; label: string }> = [];
    for (let i = 0; i < 200; i++) {
      const raw = random.chance(0.6) ? JSON.stringify(hostileJson(random)) : String(hostileRaw(random).body);
      const headers: Record<string, string> = {
        "content-type": random.chance(0.9) ? "application/json" : random.pick(["text/plain", "application/x-www-form-urlencoded"]),
        "x-github-event": random.pick(["issues", "issue_comment", "pull_request", "installation", "ping", "push", "", "__proto__", "x".repeat(500)]),
        "x-github-delivery": random.chance(0.9) ? `fuzz-${i}` : random.pick(["", "x".repeat(2_000), "../x"]),
      };
      const signing = random.int(4);
      if (signing === 0) headers["x-hub-signature-256"] = signWebhook(raw);
      else if (signing === 1) headers["x-hub-signature-256"] = random.pick(["sha256=", "sha1=abc", "sha256=zz", `sha256=${"0".repeat(64)}`]);
      else if (signing === 2) headers["x-hub-signature-256"] = signWebhook(`${raw} `);
      plan.push({ url: `${app.baseUrl}/api/github/webhooks${random.chance(0.1) ? `?${hostileQuery(random)}` : ""}`, init: { method: "POST", headers, body: raw }, label: `webhook #${i} signing=${signing} event=${headers["x-github-event"]!.slice(0, 12)}` });
    }
    expect(failures(await runAll(plan))).toEqual([]);
  });

  it("leaves Object.prototype as it found it", () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")).toBe(false);
  });
});
