import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { EXAMPLE_INSTALLATION_ID, EXAMPLE_REPOSITORY_ID, issueEvent, pullRequestEvent } from "../fixtures/github/derived-payloads.js";
import { webhookExample } from "../helpers/github-webhooks.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { deliver, seedInstallation, startIndexApp, type IndexTestApp } from "./helpers/index-test-app.js";

let db: Db;
let app: IndexTestApp;

beforeEach(async () => {
  db = await createTestDb();
  app = await startIndexApp({ db, queue: createTestQueue() });
});

afterEach(async () => {
  await app?.close();
  await db?.close();
});

const count = async (table: string) => Number((await db.knex(table).count({ n: "*" }))[0]!.n);

describe("bad and unusual deliveries are recorded and handled, never crash a worker", () => {
  it("an issue without the fields the index needs is processed and stores no issue", async () => {
    await seedInstallation(db);
    const payload = issueEvent({ action: "opened", minute: 1 });
    delete (payload.issue as Record<string, unknown>).id;
    expect(await deliver(app, db, "issues", payload)).toEqual({ status: "processed", error: null });
    const noRepository = issueEvent({ action: "opened", minute: 1 });
    delete noRepository.repository;
    expect(await deliver(app, db, "issues", noRepository)).toEqual({ status: "processed", error: null });
    const garbage = { action: "opened", issue: "not an object", repository: { id: "x" }, installation: { id: EXAMPLE_INSTALLATION_ID } };
    expect(await deliver(app, db, "issues", garbage)).toEqual({ status: "processed", error: null });
    expect(await count("issues")).toBe(0);
  });

  it("an action nobody handles is recorded as skipped with the reason; an unknown issues action still refreshes the issue", async () => {
    await seedInstallation(db);
    const installation = { ...webhookExample("installation", "created"), action: "transmogrified" };
    expect(await deliver(app, db, "installation", installation)).toEqual({ status: "skipped", error: "no handler for installation.transmogrified" });
    expect(await deliver(app, db, "issues", issueEvent({ action: "sparkled", minute: 2 }))).toEqual({ status: "processed", error: null });
    expect(await db.knex("issues").where({ id: 700001 }).first()).toMatchObject({ title: "Issue 42" });
  });

  it("an event for an installation we never heard of indexes the repository without linking it", async () => {
    const payload = { ...issueEvent({ action: "opened", minute: 1 }), installation: { id: 31337 } };
    expect((await deliver(app, db, "issues", payload)).status).toBe("processed");
    expect(await db.knex("repositories").where({ id: EXAMPLE_REPOSITORY_ID }).first()).toMatchObject({ installation_id: null, tracked_via: "installation" });
    expect(await count("issues")).toBe(1);
  });

  it("an event for an uninstalled installation updates the data but does not re-link the repository", async () => {
    await seedInstallation(db);
    await deliver(app, db, "issues", issueEvent({ action: "opened", minute: 1 }));
    const uninstall = webhookExample("installation", "deleted");
    Object.assign(uninstall.installation as object, { id: EXAMPLE_INSTALLATION_ID });
    await deliver(app, db, "installation", uninstall);
    expect(await db.knex("repositories").where({ id: EXAMPLE_REPOSITORY_ID }).first()).toMatchObject({ installation_id: null, tracked_via: "crawler" });

    expect((await deliver(app, db, "issues", issueEvent({ action: "edited", minute: 5 }))).status).toBe("processed");
    expect(await db.knex("repositories").where({ id: EXAMPLE_REPOSITORY_ID }).first()).toMatchObject({ installation_id: null });
    expect((await db.knex("issues").where({ id: 700001 }).first()).github_updated_at).toEqual(new Date("2024-01-10T12:05:00Z"));
  });

  it("a pull request body with thousands of references links a bounded number of issues, quickly", async () => {
    await seedInstallation(db);
    for (let n = 1; n <= 30; n += 1) await deliver(app, db, "issues", issueEvent({ action: "opened", minute: 1, id: 710000 + n, number: n }));
    const body = `${"#123 ".repeat(5000)}\n${Array.from({ length: 3000 }, (_, i) => `fixes #${(i % 30) + 1}`).join(", ")}`;
    const started = Date.now();
    expect(await deliver(app, db, "pull_request", pullRequestEvent({ action: "opened", minute: 2, body }))).toEqual({ status: "processed", error: null });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await db.knex("issue_signals").where({ kind: "linked_pr", active: true }).count({ n: "*" })).toEqual([{ n: 25 }]);
  });

  it("a renamed label is renamed on the issues that carry it, a deleted one removed", async () => {
    await seedInstallation(db);
    await deliver(app, db, "issues", issueEvent({ action: "opened", minute: 1, labels: ["bug", "help wanted"] }));
    const renamed = webhookExample("label", "edited");
    Object.assign(renamed.label as object, { name: "type: bug" });
    renamed.changes = { name: { from: "bug" } };
    renamed.installation = { id: EXAMPLE_INSTALLATION_ID };
    await deliver(app, db, "label", renamed);
    expect((await db.knex("issues").where({ id: 700001 }).first()).labels).toEqual(["type: bug", "help wanted"]);

    const deleted = webhookExample("label", "deleted");
    Object.assign(deleted.label as object, { name: "help wanted" });
    deleted.installation = { id: EXAMPLE_INSTALLATION_ID };
    await deliver(app, db, "label", deleted);
    expect((await db.knex("issues").where({ id: 700001 }).first()).labels).toEqual(["type: bug"]);
  });

  it("the same commits pushed in two deliveries are counted once; pushes to other branches not at all", async () => {
    await seedInstallation(db);
    const push = webhookExample("push", undefined, 4);
    await deliver(app, db, "push", push);
    await deliver(app, db, "push", push);
    const elsewhere = structuredClone(push);
    elsewhere.ref = "refs/heads/feature";
    (elsewhere.commits as Array<{ id: string }>)[0]!.id = "b".repeat(40);
    await deliver(app, db, "push", elsewhere);
    expect(await db.knex("repository_commits").select("sha")).toEqual([{ sha: "6113728f27ae82c7b1a177c8d03f9e96e0adf246" }]);
  });
});
