import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Illuminate } from "../../src/create-illuminate.js";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import { issueEvent } from "../fixtures/github/derived-payloads.js";
import { buildDashboard, CHROMIUM_PATH, collectPageErrors, launchBrowser, openPage, startDashboardServer, TEST_RESULTS_DIR } from "../helpers/browser.js";
import { silentLog, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { signIn } from "../guidance/harness.js";
import { deliver, seedInstallation } from "../issues/helpers/index-test-app.js";

// The feed, search and watchlist pages against the whole app: issues arrive as signed webhooks,
// the reader's skills through the API, and Chromium clicks the real forms.

const hasChromium = existsSync(CHROMIUM_PATH);

let illuminate: Illuminate;
let app: TestApp;
let db: Db;
let queue: Queue;
let browser: Browser;
let baseUrl: string;
let reader: Awaited<ReturnType<typeof signIn>>;


/** Issues on the example repository (Codertocat/Hello-World); ids far from other files' fixtures. */
const ISSUES = {
  parser: { id: 8_410_001, number: 101, title: "Parser drops trailing commas", body: "The tokenizer in `src/parser.ts` skips a comma before `]`. A failing case is in `src/parser.test.ts`.", labels: ["good first issue", "bug"] },
  docs: { id: 8_410_002, number: 102, title: "Document the config loader", body: "Explain every option of `src/config.ts` in `docs/config.md`.", labels: ["documentation"] },
  tests: { id: 8_410_003, number: 103, title: "Flaky snapshot test for the renderer", body: "`test/render.test.ts` fails one run in ten on CI.", labels: ["tests"] },
  cli: { id: 8_410_004, number: 104, title: "Add a --json flag to the CLI", body: "`src/cli.ts` prints tables only; scripts want JSON.", labels: ["enhancement"] },
  taken: { id: 8_410_005, number: 105, title: "Rewrite the parser's error messages", body: "Messages from `src/parser.ts` name internal states.", labels: ["good first issue"], assignees: ["someone-else"] },
  hostile: { id: 8_410_006, number: 106, title: `Parser <img src=x onerror="window.pwned=1"> & "quotes"`, body: "<script>window.pwned=2</script> the parser again", labels: [] },
} as const;

type IssueSeed = { id: number; number: number; title: string; body: string; labels: readonly string[]; assignees?: readonly string[] };

function openedPayload(issue: IssueSeed, minute: number) {
  const payload = issueEvent({ action: "opened", minute, id: issue.id, number: issue.number, labels: [...issue.labels], assignees: [...(issue.assignees ?? [])] });
  Object.assign(payload.issue as Record<string, unknown>, { title: issue.title, body: issue.body });
  return payload;
}

beforeAll(async () => {
  if (!hasChromium) return;
  await buildDashboard();
  db = await createTestDb();
  queue = createTestQueue(silentLog);
  ({ illuminate, baseUrl } = await startDashboardServer({ db, queue, webhookRetry: { attempts: 1, backoffMs: 10 } }));
  app = { illuminate, baseUrl, close: () => illuminate.close() };
  browser = await launchBrowser();
  await seedInstallation(db);
  reader = await signIn({ illuminate }, db);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await illuminate?.close();
  await queue?.close();
  await db?.close();
});

async function signedInPage(name: string, options: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await openPage(browser, name, { javaScriptEnabled: options.javaScriptEnabled ?? true, viewport: { width: options.width ?? 1100, height: 900 } });
  const errors = collectPageErrors(page);
  await page.context().addCookies(reader.cookies.map((c) => ({ ...c, url: baseUrl })));
  return { page, errors };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(TEST_RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(TEST_RESULTS_DIR, `${name}.png`), fullPage: true });
}

const feedIds = async (page: Page) => (await page.locator("article.feed-item").evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute("data-issue-id")))));

describe.runIf(hasChromium)("the matching pages in a browser", () => {
  it("before any issue: the signed-out feed offers sign-in, the signed-in one asks for skills", async () => {
    const anonymous = await openPage(browser, "matching-feed-signed-out");
    const anonymousErrors = collectPageErrors(anonymous);
    await anonymous.goto(`${baseUrl}/feed`);
    expect(await anonymous.getByRole("link", { name: "Sign in with GitHub" }).getAttribute("href")).toBe("/auth/github");
    expect(await anonymous.locator("article.feed-item").count()).toBe(0);
    await anonymous.goto(`${baseUrl}/watchlist`);
    await anonymous.getByText("to keep a watchlist.").waitFor();
    expect(anonymousErrors).toEqual([]);

    const { page, errors } = await signedInPage("matching-feed-empty");
    await page.goto(`${baseUrl}/feed`);
    await page.getByRole("heading", { name: "Tell us what you know first" }).waitFor();
    expect(await page.getByRole("link", { name: "Set up your profile" }).getAttribute("href")).toBe("/onboarding");
    expect(await page.getByRole("link", { name: "Settings" }).last().getAttribute("href")).toBe("/settings/skills");
    expect(errors).toEqual([]);
  });

  it("ranks webhook-delivered issues with reasons and a breakdown, pages with the cursor, filters, and hides an issue after a thumbs down", async () => {
    let minute = 1;
    for (const issue of Object.values(ISSUES)) {
      expect((await deliver(app, db, "issues", openedPayload(issue, minute++))).status).toBe("processed");
    }
    const added = await fetch(`${baseUrl}/api/users/me/skills`, { method: "POST", headers: reader.headers, body: JSON.stringify({ skill: "typescript", kind: "language", level: 0.8 }) });
    expect(added.status).toBe(201);

    const { page, errors } = await signedInPage("matching-feed");
    await page.goto(`${baseUrl}/feed`);
    await page.locator("article.feed-item").first().waitFor();
    const shown = await feedIds(page);
    // The assigned issue is taken, so it never appears; every other open issue does.
    expect(shown.sort()).toEqual([ISSUES.parser.id, ISSUES.docs.id, ISSUES.tests.id, ISSUES.cli.id, ISSUES.hostile.id].sort());

    const parser = page.locator(`article[data-issue-id="${ISSUES.parser.id}"]`);
    expect(await parser.getByRole("link", { name: ISSUES.parser.title }).getAttribute("href")).toBe("/issues/Codertocat/Hello-World/101");
    expect(await parser.locator(".reason").textContent()).toMatch(/^Why: Uses TypeScript, which you know/);
    expect(await parser.locator(".availability").textContent()).toMatch(/Verified open and unclaimed as of \w{3} \d{1,2}, \d{4}/);
    expect(await parser.getByRole("list", { name: "Labels" }).textContent()).toContain("good first issue");
    await parser.getByText(/^Score \d\.\d{3}: how it adds up$/).click();
    const rows = parser.locator("table.breakdown tbody tr");
    expect(await rows.count()).toBe(5);
    expect(await rows.first().textContent()).toMatch(/Skill match\s*\d\.\d{2} × 0\.35 = \d\.\d{3}/);
    // The hostile title is text, nothing more.
    expect(await page.locator(`article[data-issue-id="${ISSUES.hostile.id}"] h2`).textContent()).toBe(ISSUES.hostile.title);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await screenshot(page, "matching-feed");

    // Thumbs down with a reason: the issue disappears at once and stays gone on the next load.
    const tests = page.locator(`article[data-issue-id="${ISSUES.tests.id}"]`);
    await tests.getByLabel("Not for me because").selectOption({ label: "Too hard" });
    await tests.getByRole("button", { name: /^Not for me/ }).click();
    await page.locator("#action-notice").getByText("This issue is hidden from your feed").waitFor();
    await expect.poll(() => feedIds(page)).not.toContain(ISSUES.tests.id);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("action-notice");
    await page.goto(`${baseUrl}/feed`);
    await page.locator("article.feed-item").first().waitFor();
    expect(await feedIds(page)).not.toContain(ISSUES.tests.id);
    expect(await db.knex("feedback").where({ user_id: reader.userId, issue_id: ISSUES.tests.id }).first()).toMatchObject({ value: -1, reason: "Too hard for me right now" });

    // Two per page: the next-page link carries the cursor, and no issue shows twice.
    await page.goto(`${baseUrl}/feed?limit=2`);
    const first = await feedIds(page);
    expect(first).toHaveLength(2);
    await page.getByRole("link", { name: "Next page" }).click();
    await page.waitForURL(/cursor=/);
    const second = await feedIds(page);
    expect(second).toHaveLength(2);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    expect(new URL(page.url()).searchParams.get("limit")).toBe("2");

    // The filters form is a plain GET.
    await page.goto(`${baseUrl}/feed`);
    await page.getByLabel("Kind of work").selectOption("docs");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/kind=docs/);
    expect(await feedIds(page)).toEqual([ISSUES.docs.id]);

    // A filter the API refuses is explained, not a broken page.
    await page.goto(`${baseUrl}/feed?repo=not-a-repository`);
    await page.getByRole("heading", { name: "These filters cannot be applied" }).waitFor();
    expect(await page.locator(".feed-problem").textContent()).toContain("expected owner/name");

    // Watch from the feed: the button turns into Unwatch.
    await page.goto(`${baseUrl}/feed`);
    await page.getByRole("button", { name: `Watch ${ISSUES.parser.title}` }).click();
    await page.getByRole("button", { name: `Stop watching ${ISSUES.parser.title}` }).waitFor();
    expect(errors).toEqual([]);
  });

  it("takes a thumbs up without JavaScript, as a plain form post", async () => {
    const { page, errors } = await signedInPage("matching-feed-no-js", { javaScriptEnabled: false });
    await page.goto(`${baseUrl}/feed?kind=bug`);
    const parser = page.locator(`article[data-issue-id="${ISSUES.parser.id}"]`);
    await parser.getByRole("button", { name: /^More like this/ }).click();
    await page.locator("#action-notice").getByText("rank a little higher").waitFor();
    // The filters survive the post.
    expect(new URL(page.url()).searchParams.get("kind")).toBe("bug");
    expect(await db.knex("feedback").where({ user_id: reader.userId, issue_id: ISSUES.parser.id }).first()).toMatchObject({ value: 1 });
    expect(errors).toEqual([]);
  });

  it("search highlights the words found, renders titles as text, and pages", async () => {
    const { page, errors } = await signedInPage("matching-search");
    await page.goto(`${baseUrl}/search`);
    await page.getByLabel("Search terms").fill("parser");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForURL(/q=parser/);
    await page.locator("li.result").first().waitFor();
    const marks = await page.locator("li.result mark").allTextContents();
    expect(marks.map((m) => m.toLowerCase())).toContain("parser");
    // Markup in an issue's title or body shows as the characters it is made of.
    const hostile = page.locator(`li.result[data-issue-id="${ISSUES.hostile.id}"]`);
    expect(await hostile.locator("h3").textContent()).toBe(ISSUES.hostile.title);
    expect(await hostile.locator("img, script").count()).toBe(0);
    expect(await hostile.locator(".snippet").textContent()).toContain("window.pwned=2</script>");
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    // The taken issue is found but marked.
    await page.locator(`li.result[data-issue-id="${ISSUES.taken.id}"]`).getByText("someone is on it").waitFor();
    await screenshot(page, "matching-search");

    await page.goto(`${baseUrl}/search?q=parser&limit=1`);
    const firstId = await page.locator("li.result").getAttribute("data-issue-id");
    await page.getByRole("link", { name: "Next page" }).click();
    await page.waitForURL(/cursor=/);
    expect(await page.locator("li.result").getAttribute("data-issue-id")).not.toBe(firstId);

    await page.goto(`${baseUrl}/search?q=${"x".repeat(300)}`);
    await page.getByRole("heading", { name: /search cannot be run|No issues match/ }).waitFor();
    expect(errors).toEqual([]);
  });

  it("the watchlist adds and removes a repository, lists the watched issue and its events", async () => {
    // Someone else closes the issue the reader watches from the feed.
    const closed = issueEvent({ action: "closed", minute: 40, id: ISSUES.parser.id, number: ISSUES.parser.number, state: "closed", labels: [...ISSUES.parser.labels] });
    Object.assign(closed.issue as Record<string, unknown>, { title: ISSUES.parser.title, body: ISSUES.parser.body });
    expect((await deliver(app, db, "issues", closed)).status).toBe("processed");

    const { page, errors } = await signedInPage("matching-watchlist");
    await page.goto(`${baseUrl}/watchlist`);
    const issues = page.locator("section", { has: page.getByRole("heading", { name: /^Issues/ }) });
    expect(await issues.getByRole("link", { name: ISSUES.parser.title }).getAttribute("href")).toBe("/issues/Codertocat/Hello-World/101");
    await page.getByRole("link", { name: /Hello-World#101 was closed/ }).waitFor();

    await page.getByLabel("Watch a repository").fill("codertocat/hello-world");
    await page.getByRole("button", { name: "Watch", exact: true }).click();
    await page.locator("#action-notice").getByText("Watching Codertocat/Hello-World.").waitFor();
    await page.getByRole("button", { name: "Stop watching Codertocat/Hello-World" }).waitFor();

    await page.getByLabel("Watch a repository").fill("nobody/nothing");
    await page.getByRole("button", { name: "Watch", exact: true }).click();
    await page.locator("#action-notice[role=alert]").getByText("No repository nobody/nothing in the index").waitFor();
    await screenshot(page, "matching-watchlist");

    await page.getByRole("button", { name: "Stop watching Codertocat/Hello-World" }).click();
    await page.locator("#action-notice").getByText("Removed from your watchlist.").waitFor();
    await expect.poll(() => page.getByRole("button", { name: "Stop watching Codertocat/Hello-World" }).count()).toBe(0);
    await page.getByRole("button", { name: `Stop watching ${ISSUES.parser.title}` }).click();
    await page.getByText("No issues watched.").waitFor();
    expect(Number((await db.knex("watchlist_items").where({ user_id: reader.userId }).count({ n: "*" }))[0]!.n)).toBe(0);
    expect(errors).toEqual([]);
  });

  it("keeps the main navigation on one line that scrolls at 375 px", async () => {
    const { page, errors } = await signedInPage("matching-nav-narrow", { width: 375 });
    await page.goto(`${baseUrl}/watchlist`);
    const tops = await page.locator(".nav-list > li").evaluateAll((items) => items.map((li) => Math.round(li.getBoundingClientRect().top)));
    expect(tops.length).toBeGreaterThanOrEqual(8);
    expect(new Set(tops).size).toBe(1);
    const nav = await page.locator("nav.main-nav").evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    expect(nav.scrollWidth).toBeGreaterThan(nav.clientWidth);
    // Two rows in all: brand and user menu, then the links.
    const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
    const [brand, menu, links] = [await box(".brand"), await box(".user-menu"), await box("nav.main-nav")];
    expect(menu.y).toBeLessThan(brand.y + brand.height);
    expect(links.y).toBeGreaterThanOrEqual(brand.y + brand.height);
    // The page itself never scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.getByRole("link", { name: "Watchlist" }).first().waitFor();
    expect(await page.locator('.nav-list a[aria-current="page"]').textContent()).toBe("Watchlist");
    await screenshot(page, "matching-nav-375");

    // The feed, breakdown open, fits the phone's width too.
    await page.goto(`${baseUrl}/feed`);
    await page.locator("article.feed-item summary").first().click();
    await page.locator("article.feed-item table.breakdown").first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, "matching-feed-375");
    expect(errors).toEqual([]);
  });
});
