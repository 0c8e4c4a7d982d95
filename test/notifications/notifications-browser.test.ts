import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Illuminate } from "../../src/create-illuminate.js";
import type { Db } from "../../src/db/types.js";
import type { NotificationsDomain } from "../../src/notifications/create-notifications-domain.js";
import { buildDashboard, CHROMIUM_PATH, collectPageErrors, launchBrowser, openPage, startDashboardServer } from "../helpers/browser.js";
import { silentLog } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { signIn } from "../guidance/harness.js";

const hasChromium = existsSync(CHROMIUM_PATH);
let browser: Browser;
let db: Db;
let illuminate: Illuminate | undefined;
let baseUrl: string;


beforeAll(async () => {
  if (!hasChromium) return;
  await buildDashboard();
  browser = await launchBrowser();
  db = await createTestDb();
}, 300_000);

afterAll(async () => {
  await illuminate?.close();
  await db?.close();
  await browser?.close();
});

describe.runIf(hasChromium)("notifications in the dashboard", () => {
  it("shows the unread badge in the header, lists notifications, marks them read and saves settings", async () => {
    ({ illuminate, baseUrl } = await startDashboardServer({ db, queue: createTestQueue(silentLog) }));
    const reader = await signIn({ illuminate }, db);
    const notifications = illuminate.domains.find((d) => d.name === "notifications") as NotificationsDomain;
    await notifications.notify(reader.userId, { kind: "contribution", title: "octo/repo#12 was merged and joined your portfolio", url: "/portfolio", dedupeKey: "b-1" });
    await notifications.notify(reader.userId, { kind: "watched_issue", title: "octo/repo#7 was claimed", body: "New comment on octo/repo#7 by someone", dedupeKey: "b-2" });
    await notifications.notify(reader.userId, { kind: "reflection", title: "What did octo/repo#12 teach you?", url: "/growth", dedupeKey: "b-3" });

    const page = await openPage(browser, "notifications-page");
    const errors = collectPageErrors(page);
    await page.context().addCookies(reader.cookies.map((c) => ({ ...c, url: baseUrl })));

    await page.goto(`${baseUrl}/feed`);
    const badge = page.getByRole("navigation", { name: "Main" }).getByTestId("unread-badge");
    await badge.waitFor({ timeout: 15_000 });
    expect(await badge.innerText()).toContain("3");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Notifications/ }).click();
    await page.getByRole("heading", { name: "Notifications", level: 1 }).waitFor();
    const items = page.getByTestId("notification");
    expect(await items.count()).toBe(3);
    expect(await items.first().innerText()).toContain("What did octo/repo#12 teach you?");
    await expect.poll(() => page.getByText("(3 unread)").isVisible()).toBe(true);

    await items.nth(1).getByRole("button", { name: "Mark as read" }).click();
    await page.getByText("Marked as read.").waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await badge.innerText()).trim()).toMatch(/^2/);

    await page.getByRole("button", { name: "Mark all as read" }).click();
    await page.getByText("Marked 2 as read.").waitFor({ timeout: 10_000 });
    await expect.poll(() => badge.count()).toBe(0);

    await page.getByRole("heading", { name: "Notification settings" }).waitFor();
    await page.getByText("Email is not set up on this Illuminate server").waitFor();
    await page.getByLabel("Contributions detected by email").selectOption("daily");
    await page.getByLabel("New issues that match you in the dashboard").check();
    await page.getByRole("button", { name: "Save notification settings" }).click();
    await page.getByText("Notification settings saved.").waitFor({ timeout: 10_000 });
    expect(await page.getByLabel("Contributions detected by email").inputValue()).toBe("daily");
    expect(await page.getByLabel("New issues that match you in the dashboard").isChecked()).toBe(true);

    expect(errors).toEqual([]);

    // A refused form answers 400 with the page and the API's message; the browser logs that status.
    await page.getByLabel("Time zone (empty: the one in your profile)").fill("Mars/Olympus_Mons");
    await page.getByRole("button", { name: "Save notification settings" }).click();
    await page.getByText("expected an IANA time zone").waitFor({ timeout: 10_000 });
    expect(errors).toEqual(["console: Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
  }, 120_000);
});
