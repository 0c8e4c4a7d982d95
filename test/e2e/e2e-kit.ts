import { mkdir } from "node:fs/promises";
import path from "node:path";
import nock from "nock";
import type { Browser, Page } from "playwright-core";
import type { Illuminate } from "../../src/create-illuminate.js";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import { EXAMPLE_INSTALLATION_ID, issueEvent } from "../fixtures/github/derived-payloads.js";
import { deliver, seedInstallation } from "../issues/helpers/index-test-app.js";
import { signIn } from "../guidance/harness.js";
import { seedContribution } from "../portfolio/portfolio-test-kit.js";
import type { NotificationsDomain } from "../../src/notifications/create-notifications-domain.js";
import { buildDashboard, launchBrowser, startDashboardServer, TEST_RESULTS_DIR } from "../helpers/browser.js";
import { silentLog, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { loadRepoFixture } from "../guidance/fixtures.js";
import { startFakeGithub, type FakeGithub } from "../users/fake-github-server.js";

/** Where the journey's screenshots go: one per step, kept whether the suite passes or not. */
export const E2E_RESULTS_DIR = path.join(TEST_RESULTS_DIR, "e2e");

export interface E2eWorld {
  app: TestApp;
  illuminate: Illuminate;
  baseUrl: string;
  db: Db;
  queue: Queue;
  browser: Browser;
  github: FakeGithub;
  close(): Promise<void>;
}

/**
 * One Illuminate on a port, on a database of its own, with a local stand-in for GitHub as its
 * GitHub host: the browser clicks through that host's authorize page, and every API call the app
 * makes goes there too (a few are answered by nock before they reach it, see `nockInstalledRepository`).
 */
export async function startE2eWorld(options: { login?: string; env?: Record<string, string> } = {}): Promise<E2eWorld> {
  await buildDashboard();
  const github = await startFakeGithub({ clientId: "Iv1.testclient", clientSecret: "test-client-secret", login: options.login ?? "mona" });
  const db = await createTestDb();
  const queue = createTestQueue(silentLog);
  const { illuminate, baseUrl } = await startDashboardServer(
    { db, queue, webhookRetry: { attempts: 1, backoffMs: 10 } },
    { GHE_HOST: github.host, GHE_PROTOCOL: "http", ...options.env },
  );
  const browser = await launchBrowser();
  return {
    app: { illuminate, baseUrl, close: () => illuminate.close() },
    illuminate,
    baseUrl,
    db,
    queue,
    browser,
    github,
    async close() {
      await browser.close();
      await illuminate.close();
      await queue.close();
      await db.close();
      await github.close();
    },
  };
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const fakeSha = (text: string) => Buffer.from(text).toString("hex").slice(0, 40).padEnd(40, "0");

/**
 * What the GitHub App reads and writes on the example repository (Codertocat/Hello-World, whose
 * default branch is master): its installation token, the files the deep dive reads (the Node
 * fixture), issue comments and the bot's comment.
 * Answered as often as asked; anything else falls through to the local GitHub stand-in.
 */
export function nockInstalledRepository(githubUrl: string): nock.Scope {
  const fixture = loadRepoFixture("node");
  const api = "/api/v3";
  const base = `${api}/repos/Codertocat/Hello-World`;
  const scope = nock(githubUrl, { allowUnmocked: true })
    .persist()
    .post(`${api}/app/installations/${EXAMPLE_INSTALLATION_ID}/access_tokens`)
    .reply(201, () => ({ token: `ghs_e2e${EXAMPLE_INSTALLATION_ID}`, expires_at: new Date(Date.now() + 3600_000).toISOString() }))
    .get(`${base}/git/trees/master`)
    .query({ recursive: "1" })
    .reply(200, { sha: "a".repeat(40), truncated: false, tree: fixture.tree.map((e) => ({ path: e.path, mode: "100644", type: e.type, sha: "b".repeat(40), size: e.size ?? undefined })) })
    .get(`${base}/readme`)
    .reply(200, { type: "file", path: fixture.readmePath, name: fixture.readmePath, sha: fakeSha(fixture.files[fixture.readmePath]!), encoding: "base64", content: b64(fixture.files[fixture.readmePath]!) })
    .get(`${base}/languages`)
    .reply(200, { TypeScript: 81_000, JavaScript: 19_000 })
    .get(/\/api\/v3\/repos\/Codertocat\/Hello-World\/issues\/\d+\/comments/)
    .query(true)
    .reply(200, [])
    .post(/\/api\/v3\/repos\/Codertocat\/Hello-World\/issues\/\d+\/comments/)
    .reply(201, (_uri: string, body: unknown) => ({ id: 77_000_001, body: (body as { body?: string }).body ?? "", html_url: "https://github.com/Codertocat/Hello-World/issues/1#issuecomment-77000001" }));
  for (const [filePath, text] of Object.entries(fixture.files)) {
    if (filePath === fixture.readmePath) continue;
    scope.get(`${base}/contents/${filePath}`).reply(200, { type: "file", path: filePath, name: filePath.split("/").at(-1), sha: fakeSha(text), size: text.length, encoding: "base64", content: b64(text) });
  }
  // Everything else under the repository's contents (the app's own config file, absent files the
  // deep dive probes for) is missing, as it would be on a repository that never heard of Illuminate.
  scope.get(/\/api\/v3\/repos\/Codertocat\/Hello-World\/contents\/.*/).reply(404, { message: "Not Found" });
  return scope;
}

/**
 * The merged pull request as the portfolio's enrichment reads it back: the webhook's own
 * `pull_request` object with the size fields GitHub adds on the single-PR endpoint, and its files.
 */
export function nockMergedPullRequest(githubUrl: string, pullRequest: Record<string, unknown>, files: Array<{ filename: string; additions: number; deletions: number }>): nock.Scope {
  const base = `/api/v3/repos/Codertocat/Hello-World/pulls/${String(pullRequest.number)}`;
  const additions = files.reduce((sum, f) => sum + f.additions, 0);
  const deletions = files.reduce((sum, f) => sum + f.deletions, 0);
  return nock(githubUrl, { allowUnmocked: true })
    .persist()
    .get(base)
    .reply(200, { ...pullRequest, additions, deletions, changed_files: files.length })
    .get(`${base}/files`)
    .query(true)
    .reply(200, files.map((f) => ({ ...f, status: "modified", changes: f.additions + f.deletions, sha: "c".repeat(40) })));
}

/** A full-page screenshot of one step of the journey, in test-results/e2e/<step>.png. */
export async function saveStep(page: Page, step: string): Promise<void> {
  await mkdir(E2E_RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(E2E_RESULTS_DIR, `${step}.png`), fullPage: true });
}

/**
 * Console errors and uncaught exceptions of the dashboard's own pages. The local stand-in for
 * GitHub is not ours (its authorize page has no favicon, which Chromium reports as an error), so
 * what happens while the browser is on another origin is left out.
 */
export function collectDashboardErrors(page: Page, baseUrl: string): string[] {
  const errors: string[] = [];
  const ours = () => page.url().startsWith(baseUrl);
  page.on("console", (message) => {
    if (message.type() === "error" && ours()) errors.push(`console on ${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => {
    if (ours()) errors.push(`exception on ${page.url()}: ${error.message}`);
  });
  return errors;
}

/** Issues on the example repository, as maintainers would write them. */
export const E2E_ISSUES = {
  parser: { id: 9_310_001, number: 201, title: "Parser drops trailing commas", body: "The tokenizer in `src/parser.ts` skips a comma before `]`. A failing case belongs in `test/parser.test.ts`.", labels: ["good first issue", "bug"] },
  docs: { id: 9_310_002, number: 202, title: "Document the config loader", body: "Explain every option of `src/config.ts` in `docs/config.md`.", labels: ["documentation"] },
  cli: { id: 9_310_003, number: 203, title: "Add a --json flag to the CLI", body: "`src/cli.ts` prints tables only; scripts written in TypeScript want JSON.", labels: ["enhancement"] },
  flaky: { id: 9_310_004, number: 204, title: "Flaky snapshot test for the renderer", body: "`test/render.test.ts` fails one run in ten on CI.", labels: ["tests"] },
} as const;

/** Delivers the issues above through the webhook inbox, each processed before the next. */
export async function deliverIssues(world: E2eWorld): Promise<void> {
  await seedInstallation(world.db);
  let minute = 1;
  for (const issue of Object.values(E2E_ISSUES)) {
    const payload = issueEvent({ action: "opened", minute: minute++, id: issue.id, number: issue.number, labels: [...issue.labels] });
    Object.assign(payload.issue as Record<string, unknown>, { title: issue.title, body: issue.body });
    const outcome = await deliver(world.app, world.db, "issues", payload);
    if (outcome.status !== "processed") throw new Error(`issue ${issue.number} was ${outcome.status}: ${outcome.error}`);
  }
}

export type Reader = Awaited<ReturnType<typeof signIn>>;

/**
 * A signed-in reader with something on every page: issues in the feed (through webhooks), a skill,
 * a watched issue, merged contributions and a few notifications.
 */
export async function seedReader(world: E2eWorld): Promise<Reader> {
  await deliverIssues(world);
  const reader = await signIn(world.app, world.db, "ada-reader");
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${world.baseUrl}${path}`, { method, headers: reader.headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  };
  await call("POST", "/api/users/me/skills", { skill: "typescript", kind: "language", level: 0.8 });
  await call("POST", "/api/watchlist", { issueId: E2E_ISSUES.parser.id });
  // signIn gives the reader the same number as GitHub id and user id.
  const owner = { userId: reader.userId, githubId: reader.userId, login: reader.login };
  for (let i = 0; i < 3; i++) {
    await seedContribution(world.db.knex, owner, {
      mergedAt: new Date(Date.now() - (i + 1) * 9 * 86_400_000),
      repoFullName: ["sveltejs/svelte", "Codertocat/Hello-World", "psf/requests"][i],
      title: ["Fix the hydration warning on keyed each blocks", "Keep trailing commas in the tokenizer", "Document the retry adapter"][i],
      additions: 20 + i * 7,
      deletions: 2 + i,
      languages: [{ TypeScript: 120 }, { TypeScript: 40, JavaScript: 10 }, { Python: 30, Markdown: 12 }][i],
    });
  }
  const notifications = world.illuminate.domains.find((d) => d.name === "notifications") as NotificationsDomain;
  await notifications.notify(reader.userId, { kind: "contribution", title: "Codertocat/Hello-World#77 was merged and joined your portfolio", url: "/portfolio", dedupeKey: "e2e-1" });
  await notifications.notify(reader.userId, { kind: "watched_issue", title: `Codertocat/Hello-World#${E2E_ISSUES.parser.number} was claimed`, dedupeKey: "e2e-2" });
  return reader;
}
