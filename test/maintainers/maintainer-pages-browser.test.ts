import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Illuminate } from "../../src/create-illuminate.js";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import { EXAMPLE_INSTALLATION_ID } from "../fixtures/github/derived-payloads.js";
import { signIn } from "../guidance/harness.js";
import { sendWebhook, webhookExample } from "../helpers/github-webhooks.js";
import { buildDashboard, CHROMIUM_PATH, collectPageErrors, launchBrowser, openPage, startDashboardServer } from "../helpers/browser.js";
import { silentLog, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestLanedQueue } from "../helpers/test-queue.js";
import { seedInstallation } from "../issues/helpers/index-test-app.js";
import { seedMaintainedRepository } from "./maintainer-seed.js";

const hasChromium = existsSync(CHROMIUM_PATH);
const ADMIN_TOKEN = "browser-admin-token-0123456789abcdef";

let illuminate: Illuminate;
let db: Db;
let queue: Queue;
let browser: Browser;
let baseUrl: string;
let owner: { cookies: Array<{ name: string; value: string }> };
let starBroken = true;
let starDeliveryId: string;

beforeAll(async () => {
  if (!hasChromium) return;
  await buildDashboard();
  db = await createTestDb();
  queue = createTestLanedQueue(silentLog);
  await seedInstallation(db);
  await db.knex("installations").where({ id: EXAMPLE_INSTALLATION_ID }).update({ permissions: JSON.stringify({ issues: "write" }) });
  ({ illuminate, baseUrl } = await startDashboardServer(
    {
      db,
      queue,
      now: () => new Date("2024-02-01T00:00:00Z"),
      webhookRetry: { attempts: 1, backoffMs: 10 },
      webhookHandlers: (registry) =>
        registry.on("star.created", async () => {
          if (starBroken) throw new Error("the star handler is broken");
        }),
    },
    { ADMIN_TOKEN },
  ));
  browser = await launchBrowser();
  const app = { illuminate, baseUrl, close: async () => undefined } as TestApp;
  await seedMaintainedRepository(app, db);
  owner = await signIn(app, db, "Codertocat");
  starDeliveryId = (await sendWebhook(baseUrl, "star", webhookExample("star", "created"))).deliveryId;
  await waitFor(async () => (await db.knex("webhook_deliveries").where({ delivery_id: starDeliveryId }).first())?.status === "failed");
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await illuminate?.close();
  await queue?.close();
  await db?.close();
});

describe.runIf(hasChromium)("maintainer and operator pages in a browser", () => {
  it("the maintainer goes from the installation list to the repository's figures, on a phone-sized screen", async () => {
    const page = await openPage(browser, "maintainer-pages", { viewport: { width: 375, height: 800 } });
    const errors = collectPageErrors(page);
    await page.context().addCookies(owner.cookies.map((c) => ({ ...c, url: baseUrl })));
    expect((await page.goto(`${baseUrl}/maintainers`))?.status()).toBe(200);
    await page.getByRole("link", { name: "Codertocat/Hello-World" }).click();
    await page.waitForURL(`${baseUrl}/maintainers/Codertocat/Hello-World`);

    await expect.poll(() => page.getByRole("heading", { name: "Health" }).count()).toBe(1);
    // Overall, commits and response have daily values; no pull request was decided, so no merge rate.
    expect(await page.locator("svg.trend").count()).toBe(3);
    expect(await page.getByText("No pull request merge rate recorded in this window.").count()).toBe(1);
    expect(await page.locator("svg.trend polyline").count()).toBeGreaterThan(0);
    expect(await page.getByRole("table", { name: /Labelled for newcomers/ }).getByRole("link", { name: "#42" }).count()).toBe(1);
    expect(await page.getByRole("table", { name: /look small enough/ }).getByRole("link", { name: "#43" }).count()).toBe(1);
    expect(await page.getByText("1 comment posted").count()).toBe(1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
  });

  it("the repository page renders its figures without JavaScript, and a signed-out visitor is asked to sign in", async () => {
    const page = await openPage(browser, "maintainer-no-js", { javaScriptEnabled: false });
    await page.context().addCookies(owner.cookies.map((c) => ({ ...c, url: baseUrl })));
    await page.goto(`${baseUrl}/maintainers/Codertocat/Hello-World?days=30`);
    expect(await page.getByRole("heading", { name: "Issues for newcomers" }).count()).toBe(1);
    expect(await page.locator("select#days option[selected]").textContent()).toBe("30 days");

    const visitor = await openPage(browser, "maintainer-signed-out");
    await visitor.goto(`${baseUrl}/maintainers`);
    expect(await visitor.getByRole("heading", { name: "Sign in to see your repositories" }).count()).toBe(1);
    expect(await visitor.getByRole("link", { name: "Sign in with GitHub" }).count()).toBe(1);
  });

  it("the operator signs in with the admin token and reads the webhook inbox and the queue", async () => {
    const page = await openPage(browser, "admin-inbox");
    const errors = collectPageErrors(page);
    await page.goto(`${baseUrl}/admin/inbox`);
    await page.getByLabel("Admin token").fill("not the token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByText("That is not the admin token.").count()).toBe(1);
    // That answer is a 401, which the browser logs; what follows must log nothing.
    errors.length = 0;

    await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("table", { name: "Deliveries, newest first" }).count()).toBe(1);
    expect(await page.getByRole("row").filter({ hasText: "issue_comment.created" }).count()).toBe(2);
    starBroken = false;
    await page.getByRole("row").filter({ hasText: "star.created" }).getByRole("button", { name: "Redeliver" }).click();
    await expect.poll(() => page.getByText(`Delivery ${starDeliveryId} is queued to be processed again.`).count()).toBe(1);
    await waitFor(async () => (await db.knex("webhook_deliveries").where({ delivery_id: starDeliveryId }).first())?.status === "processed");

    const cookie = (await page.context().cookies()).find((c) => c.name === "illuminate_admin")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/admin" });
    expect(cookie.value).not.toContain(ADMIN_TOKEN);

    await page.getByRole("link", { name: "Job queue" }).click();
    await expect.poll(() => page.getByRole("table", { name: /Jobs by name/ }).count()).toBe(1);
    const jobs = page.getByRole("table", { name: /Jobs by name/ });
    expect(await jobs.getByRole("row").filter({ hasText: "webhooks.process" }).count()).toBe(1);
    const lanes = page.getByRole("table", { name: /By worker lane/ });
    expect(await lanes.getByRole("row").filter({ hasText: "webhook deliveries" }).getByRole("rowheader").textContent()).toContain("default");
    expect(await lanes.getByRole("row").count()).toBe(4);
    expect(await page.getByRole("table", { name: "Failed jobs, newest first" }).getByText("the star handler is broken").count()).toBe(1);
    // The star's first job is still retained as failed; retrying it finds the delivery already processed.
    await jobs.getByRole("row").filter({ hasText: "webhooks.process" }).getByRole("button", { name: "Retry failed" }).click();
    await expect.poll(() => page.getByText("1 failed webhooks.process job moved back to waiting.").count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
