import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commentEvent, pullRequestEvent } from "../fixtures/github/derived-payloads.js";
import { CHROMIUM_PATH, openPage } from "../helpers/browser.js";
import { fixtureUsers } from "../fixtures/repos/fixture-github.js";
import { deliver } from "../issues/helpers/index-test-app.js";
import { collectDashboardErrors, deliverIssues, E2E_ISSUES, nockInstalledRepository, nockMergedPullRequest, saveStep, startE2eWorld, type E2eWorld } from "./e2e-kit.js";

// A contributor's first hour with Illuminate, in Chromium against the whole app: issues arrive as
// signed webhooks, sign-in goes through a local stand-in for GitHub's authorize page, and every page
// on the way is screenshotted. Any console error or uncaught exception on any page fails the run.

const hasChromium = existsSync(CHROMIUM_PATH);
const mona = fixtureUsers.mona!;

const ISSUES = E2E_ISSUES;

let world: E2eWorld;

beforeAll(async () => {
  if (!hasChromium) return;
  world = await startE2eWorld();
}, 300_000);

afterAll(async () => {
  await world?.close();
});

/** Asserts a page's heading and saves its screenshot; errors are checked once, at the end. */
async function step(page: Page, name: string, heading: string | RegExp): Promise<void> {
  await page.getByRole("heading", { level: 1, name: heading }).waitFor({ timeout: 20_000 });
  await saveStep(page, name);
}

describe.runIf(hasChromium)("a contributor's journey through the dashboard", () => {
  it("signs in through GitHub, reads the feed and a deep dive, gives feedback, watches, and visits every page", async () => {
    const { app, db, baseUrl, github } = world;
    nockInstalledRepository(github.url);

    // Maintainers' issues arrive through the webhook inbox, like GitHub would send them.
    await deliverIssues(world);

    const page = await openPage(world.browser, "e2e-journey", { viewport: { width: 1200, height: 900 } });
    const errors = collectDashboardErrors(page, baseUrl);

    // 1. Landing → sign in through GitHub's authorize page → onboarding.
    await page.goto(`${baseUrl}/`);
    await saveStep(page, "01-landing");
    await page.goto(`${baseUrl}/signin`);
    await step(page, "02-signin", "Sign in");
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.waitForURL(`${github.url}/login/oauth/authorize**`);
    await saveStep(page, "03-github-authorize");
    await page.getByRole("button", { name: "Authorize Illuminate" }).click();
    await page.waitForURL(`${baseUrl}/onboarding`);
    expect(github.exchanges).toEqual([{ code: expect.any(String), verified: true }]);
    await page.getByRole("heading", { name: "Your profile is analysed" }).waitFor({ timeout: 20_000 });
    await saveStep(page, "04-onboarding");
    await page.getByLabel("This would be my first open-source contribution").check();
    await page.getByLabel("Bug fixes").check();
    await page.getByLabel("Hours per week you can give").fill("5");
    await page.getByRole("button", { name: "Finish" }).click();
    await page.waitForURL(`${baseUrl}/settings/skills?welcome=1`);
    await step(page, "05-skills", "Settings");
    const user = await db.knex("users").where({ github_id: mona.id }).first("id", "login");
    expect(user.login).toBe("mona");

    // 2. The feed, each issue with the reason it was picked and how its score adds up.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Feed" }).click();
    await page.locator("article.feed-item").first().waitFor({ timeout: 20_000 });
    const parser = page.locator(`article[data-issue-id="${ISSUES.parser.id}"]`);
    expect(await parser.locator(".reason").textContent()).toMatch(/^Why: /);
    await parser.getByText(/how it adds up$/).click();
    expect(await parser.locator("table.breakdown tbody tr").count()).toBeGreaterThanOrEqual(3);
    await step(page, "06-feed-why", /feed/i);

    // 3. Thumbs: up on one issue, down (with a reason) on another, which leaves the feed.
    await parser.getByRole("button", { name: `More like this: ${ISSUES.parser.title}` }).click();
    await page.locator("#action-notice").getByText("rank a little higher").waitFor();
    const flaky = page.locator(`article[data-issue-id="${ISSUES.flaky.id}"]`);
    if ((await flaky.count()) > 0) {
      await flaky.getByLabel("Not for me because").selectOption({ label: "Too hard" });
      await flaky.getByRole("button", { name: `Not for me: ${ISSUES.flaky.title}` }).click();
      await page.locator("#action-notice").getByText("This issue is hidden from your feed").waitFor();
      await expect.poll(() => page.locator(`article[data-issue-id="${ISSUES.flaky.id}"]`).count()).toBe(0);
    }
    await saveStep(page, "07-feed-thumbs");
    const votes = await db.knex("feedback").where({ user_id: user.id }).orderBy("value").select("issue_id", "value");
    expect(votes.map((v: { issue_id: unknown; value: number }) => [Number(v.issue_id), v.value])).toContainEqual([ISSUES.parser.id, 1]);

    // 4. Watch the issue from the feed.
    await page.getByRole("button", { name: `Watch ${ISSUES.parser.title}` }).click();
    await page.getByRole("button", { name: `Stop watching ${ISSUES.parser.title}` }).waitFor();

    // 5. The issue page, whose deep dive is written without AI on this server, and told to its watcher.
    await parser.getByRole("link", { name: ISSUES.parser.title }).click();
    await page.waitForURL(`${baseUrl}/issues/Codertocat/Hello-World/${ISSUES.parser.number}`);
    await page.getByRole("heading", { name: "Suggested approach" }).waitFor({ timeout: 30_000 });
    expect(await page.getByText("Generated without AI", { exact: true }).isVisible()).toBe(true);
    await step(page, "08-issue-deep-dive", ISSUES.parser.title);

    // 6. Someone comments on the watched issue: the watchlist shows it, and so do notifications.
    const comment = commentEvent({ action: "created", commentId: 5_501, body: "Is anyone looking at this? I can help review.", author: "helpful-reviewer", minute: 30, issue: { id: ISSUES.parser.id, number: ISSUES.parser.number, labels: [...ISSUES.parser.labels] } });
    Object.assign(comment.issue as Record<string, unknown>, { title: ISSUES.parser.title, body: ISSUES.parser.body });
    expect(await deliver(app, db, "issue_comment", comment)).toMatchObject({ status: "processed" });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Watchlist" }).click();
    await page.getByRole("heading", { level: 1, name: "Your watchlist" }).waitFor();
    const watched = page.locator("section", { has: page.getByRole("heading", { name: /^Issues/ }) });
    await watched.getByRole("link", { name: ISSUES.parser.title }).waitFor();
    await step(page, "09-watchlist", "Your watchlist");

    // 7. A pull request of hers is merged: it joins the portfolio, then the widget builder shows it.
    const merged = pullRequestEvent({ action: "closed", minute: 45, id: 9_310_077, number: 77, body: `Fixes #${ISSUES.parser.number}`, merged: true, author: "mona" });
    const pullRequest = merged.pull_request as Record<string, unknown>;
    Object.assign(pullRequest, { title: "Keep trailing commas in the tokenizer", merged_at: new Date(Date.now() - 86_400_000).toISOString() });
    Object.assign(pullRequest.user as Record<string, unknown>, { id: mona.id });
    nockMergedPullRequest(github.url, pullRequest, [
      { filename: "src/parser.ts", additions: 18, deletions: 3 },
      { filename: "test/parser.test.ts", additions: 12, deletions: 0 },
    ]);
    expect(await deliver(app, db, "pull_request", merged)).toMatchObject({ status: "processed" });
    // Enrichment runs as a job of its own; the contributor is told when it is done.
    await expect.poll(() => db.knex("notifications").where({ user_id: user.id, kind: "contribution" }).count({ n: "*" }).then((r) => Number(r[0]!.n)), { timeout: 15_000 }).toBe(1);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Portfolio" }).click();
    await step(page, "10-portfolio", "Your portfolio");
    await page.getByRole("link", { name: "Keep trailing commas in the tokenizer" }).waitFor();
    expect(await page.locator(".totals, main").first().textContent()).toContain("+30 / −3");
    await page.goto(`${baseUrl}/portfolio/widgets?user=mona`);
    await page.waitForFunction(() => document.querySelector<HTMLImageElement>("img.preview")?.complete === true);
    await page.locator('input[name="layout"][value="languages"]').check();
    await expect.poll(() => page.locator("img.preview").getAttribute("src")).toContain("layout=languages");
    await expect.poll(() => page.getByTestId("snippet").textContent()).toContain(`${baseUrl}/u/mona`);
    await step(page, "11-widget-builder", "README cards");

    // 8. Growth, notifications (the deep dive, the comment, the merge), settings.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Growth" }).click();
    await step(page, "12-growth", "Growth");
    await page.getByRole("heading", { name: /^Level \d+:/ }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Notifications/ }).click();
    await page.getByRole("heading", { level: 1, name: "Notifications" }).waitFor();
    const told = (await page.getByTestId("notification").allInnerTexts()).join("\n");
    expect(told).toContain(`A deep dive on Codertocat/Hello-World#${ISSUES.parser.number} is ready`);
    expect(told).toContain(`New comment on Codertocat/Hello-World#${ISSUES.parser.number}`);
    expect(told).toContain("Codertocat/Hello-World#77 was merged and joined your portfolio");
    expect(told).toContain("What did Codertocat/Hello-World#77 teach you?");
    await step(page, "13-notifications", "Notifications");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await step(page, "14-settings", "Settings");

    // 9. The maintainers' view.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Maintainers" }).click();
    await page.waitForURL(`${baseUrl}/maintainers**`);
    await page.locator("h1").first().waitFor();
    await saveStep(page, "15-maintainers");

    expect(errors).toEqual([]);
  }, 150_000);
});
