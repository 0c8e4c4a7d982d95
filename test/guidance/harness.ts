import { randomInt } from "node:crypto";
import nock from "nock";
import type { Db } from "../../src/db/types.js";
import { DEEP_DIVE_TOOL_NAME, type DeepDiveSections } from "../../src/guidance/deep-dive-sections.js";
import { signAccessToken } from "../../src/users/session/access-token.js";
import { csrfTokenFor, CSRF_HEADER } from "../../src/users/session/csrf.js";
import { createSessionFamily } from "../../src/users/session/refresh-tokens.js";
import { cookieNames } from "../../src/users/session/session-cookies.js";
import { deriveSessionKeys } from "../../src/users/session/session-keys.js";
import type { TestApp } from "../helpers/test-app.js";
import type { RepoFixture } from "./fixtures.js";

export const GITHUB = "https://api.github.com";
export const ANTHROPIC = "https://api.anthropic.test";
export const AI_ENV = { ANTHROPIC_API_KEY: "sk-ant-test-key-0000000000", ANTHROPIC_BASE_URL: ANTHROPIC, ANTHROPIC_MODEL: "claude-sonnet-4-6" };

export interface Seeded {
  installationId: number;
  repositoryId: number;
  issueId: number;
  owner: string;
  repo: string;
  number: number;
}

/** An installed repository and one of its issues, written as the index would store them. */
export async function seedIssue(
  db: Db,
  options: { owner?: string; repo?: string; number?: number; title?: string; body?: string | null; labels?: string[]; locked?: boolean; commentsCount?: number; isPrivate?: boolean; installed?: boolean } = {},
): Promise<Seeded> {
  const owner = options.owner ?? "fernlog";
  const repo = options.repo ?? "fernlog";
  const number = options.number ?? 42;
  const installationId = randomInt(1_000, 900_000);
  const repositoryId = randomInt(1_000_000, 90_000_000);
  const issueId = randomInt(100_000_000, 900_000_000);
  const installed = options.installed ?? true;
  if (installed) {
    await db.knex("installations").insert({ id: installationId, account_id: 1, account_login: owner, account_type: "Organization", target_type: "Organization" });
  }
  await db.knex("repositories").insert({
    id: repositoryId,
    installation_id: installed ? installationId : null,
    owner,
    name: repo,
    full_name: `${owner}/${repo}`,
    description: "A structured logger for Node.js",
    default_branch: "main",
    languages: JSON.stringify({ TypeScript: 81_000, JavaScript: 19_000 }),
    is_private: options.isPrivate ?? false,
    tracked_via: installed ? "installation" : "crawler",
  });
  await db.knex("issues").insert({
    id: issueId,
    repository_id: repositoryId,
    number,
    title: options.title ?? "Pretty printer crashes on circular objects",
    body: options.body === undefined ? "Logging an object that references itself crashes `src/pretty/format-line.ts` with a RangeError." : options.body,
    labels: options.labels ?? ["good first issue", "bug"],
    is_locked: options.locked ?? false,
    comments_count: options.commentsCount ?? 0,
    author_login: "newcomer",
    author_association: "NONE",
    github_created_at: new Date("2025-10-01T10:00:00Z"),
    github_updated_at: new Date("2025-10-02T10:00:00Z"),
  });
  return { installationId, repositoryId, issueId, owner, repo, number };
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const sha = (text: string) => Buffer.from(text).toString("hex").slice(0, 40).padEnd(40, "0");

/** GitHub's installation-token endpoint, answered as often as asked (tokens are cached per app). */
export function nockInstallationToken(installationId: number): void {
  nock(GITHUB).persist().post(`/app/installations/${installationId}/access_tokens`).reply(201, { token: `ghs_test${installationId}`, expires_at: new Date(Date.now() + 3600_000).toISOString() });
}

/** The reads the context assembler makes of a repository, served from a fixture. */
export function nockRepositoryReads(seeded: Seeded, fixture: RepoFixture, options: { times?: number } = {}): nock.Scope {
  const times = options.times ?? 1;
  const base = `/repos/${seeded.owner}/${seeded.repo}`;
  const scope = nock(GITHUB)
    .get(`${base}/git/trees/main`)
    .query({ recursive: "1" })
    .times(times)
    .reply(200, { sha: "a".repeat(40), truncated: false, tree: fixture.tree.map((e) => ({ path: e.path, mode: "100644", type: e.type, sha: "b".repeat(40), size: e.size ?? undefined })) })
    .get(`${base}/readme`)
    .times(times)
    .reply(200, { type: "file", path: fixture.readmePath, name: fixture.readmePath, sha: sha(fixture.files[fixture.readmePath]!), size: fixture.files[fixture.readmePath]!.length, encoding: "base64", content: b64(fixture.files[fixture.readmePath]!) });
  for (const [path, text] of Object.entries(fixture.files)) {
    if (path === fixture.readmePath) continue;
    scope.get(`${base}/contents/${path}`).times(times).reply(200, { type: "file", path, name: path.split("/").at(-1), sha: sha(text), size: text.length, encoding: "base64", content: b64(text) });
  }
  return scope;
}

export interface CapturedRequest {
  body: Record<string, unknown>;
}

/** A Messages API answer whose only content is the forced tool call. */
export function toolAnswer(sections: unknown, usage: Partial<Record<string, number>> = {}, stopReason = "tool_use") {
  return {
    id: `msg_${randomInt(1e9)}`,
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-6",
    content: [{ type: "tool_use", id: "toolu_01", name: DEEP_DIVE_TOOL_NAME, input: sections }],
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 900, output_tokens: 700, cache_creation_input_tokens: 3_000, cache_read_input_tokens: 0, ...usage },
  };
}

/** POST /v1/messages answered in order by `replies`; each request body is captured. */
export function nockMessages(replies: Array<{ status: number; body: unknown; headers?: Record<string, string> }>, captured: CapturedRequest[]): nock.Scope {
  const scope = nock(ANTHROPIC);
  for (const reply of replies) {
    scope.post("/v1/messages", (body: Record<string, unknown>) => {
      captured.push({ body });
      return true;
    }).reply(reply.status, reply.body as nock.Body, reply.headers);
  }
  return scope;
}

/** Five sections as a model would write them, citing the fixture's real files and commands. */
export function modelSections(overrides: Partial<DeepDiveSections> = {}): DeepDiveSections {
  return {
    overview: {
      summary: "fernlog is a structured logger for Node.js written in TypeScript. The pretty printer lives in src/pretty/.",
      items: [{ text: "Install the dependencies exactly as locked.", files: ["package.json"], commands: ["npm ci"] }],
    },
    issueContext: {
      summary: "Logging a self-referencing object crashes the pretty printer with a RangeError.",
      items: [{ text: "The crash happens while formatting a line.", files: ["src/pretty/format-line.ts"], commands: [] }],
    },
    approach: {
      summary: "Track objects already visited while formatting and print a placeholder for cycles.",
      items: [
        { text: "Start in the line formatter.", files: ["src/pretty/format-line.ts", "src/pretty/cycle-guard.ts"], commands: [] },
        { text: "Add a test next to the existing pretty-printer tests.", files: ["test/pretty.test.ts"], commands: ["npm test"] },
      ],
    },
    questions: { summary: "Ask how cycles should be shown.", items: [{ text: "Should a cycle print as [Circular] like util.inspect?", files: [], commands: [] }] },
    redFlags: { summary: "Nothing suggests the issue is taken.", items: [] },
    ...overrides,
  };
}

/** A signed-in reader: a real session made the way sign-in makes one. */
export async function signIn(
  app: Pick<TestApp, "illuminate">,
  db: Db,
  login = `reader${randomInt(1e6)}`,
): Promise<{ userId: number; login: string; headers: Record<string, string>; cookies: Array<{ name: string; value: string }> }> {
  // A random id keeps per-user rate-limit keys apart across test files sharing one Redis.
  const id = randomInt(10_000_000, 2_000_000_000);
  await db.knex.raw(`insert into users (id, github_id, login) overriding system value values (?, ?, ?)`, [id, id, login]);
  const now = new Date();
  const { familyId } = await createSessionFamily(db.knex, id, {}, now);
  const config = app.illuminate.config;
  const keys = deriveSessionKeys(config.sessionSecret);
  const token = await signAccessToken(keys.accessToken, config.publicUrl, { userId: id, login, sessionId: familyId }, now);
  const names = cookieNames(false);
  const csrf = csrfTokenFor(keys.csrf, familyId);
  return {
    userId: id,
    login,
    headers: { cookie: `${names.access}=${token}`, [CSRF_HEADER]: csrf, "content-type": "application/json" },
    cookies: [
      { name: names.access, value: token },
      { name: names.csrf, value: csrf },
    ],
  };
}

/** A real `issues` payload from @octokit/webhooks-examples, pointed at the seeded issue. */
export function issuesPayload(
  seeded: Seeded,
  action: string,
  issue: { title?: string; body?: string | null; labels?: string[]; locked?: boolean; updatedAt?: string; label?: string } = {},
  example: Record<string, unknown>,
): Record<string, unknown> {
  const payload = structuredClone(example);
  const repository = payload.repository as Record<string, unknown>;
  Object.assign(repository, {
    id: seeded.repositoryId,
    name: seeded.repo,
    full_name: `${seeded.owner}/${seeded.repo}`,
    default_branch: "main",
    private: false,
    owner: { ...(repository.owner as Record<string, unknown>), login: seeded.owner },
  });
  const labels = (issue.labels ?? ["good first issue", "bug"]).map((name, i) => ({ id: 9000 + i, node_id: `L${i}`, url: "", name, color: "7057ff", default: false, description: null }));
  const current = payload.issue as Record<string, unknown>;
  Object.assign(current, {
    id: seeded.issueId,
    node_id: `I_test${seeded.issueId}`,
    assignee: null,
    assignees: [],
    number: seeded.number,
    title: issue.title ?? "Pretty printer crashes on circular objects",
    body: issue.body === undefined ? "Logging an object that references itself crashes `src/pretty/format-line.ts` with a RangeError." : issue.body,
    labels,
    locked: issue.locked ?? false,
    state: "open",
    comments: 0,
    updated_at: issue.updatedAt ?? new Date().toISOString(),
    created_at: "2025-10-01T10:00:00Z",
    closed_at: null,
  });
  delete current.pull_request;
  payload.installation = { id: seeded.installationId };
  if (issue.label) payload.label = { id: 9100, node_id: "LX", url: "", name: issue.label, color: "7057ff", default: false, description: null };
  return payload;
}
