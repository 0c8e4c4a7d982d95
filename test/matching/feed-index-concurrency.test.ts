import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { createTestDb } from "../helpers/test-db.js";
import { seedIssue, seedRepo } from "./matching-kit.js";

let db: Db;

beforeAll(async () => {
  db = await createTestDb();
});

afterAll(async () => {
  await db?.close();
});

describe("the feed index under concurrent writes", () => {
  it("transactions refreshing the same issues at once all commit and leave the rows a rebuild would", async () => {
    const repo = await seedRepo(db, { fullName: "octo/busy", languages: { TypeScript: 9000, Go: 1000 }, health: 0.7 });
    const ids = [
      await seedIssue(db, repo, { title: "Parser drops tabs", body: "In `src/parser.ts` tabs vanish.", labels: ["bug"] }),
      await seedIssue(db, repo, { title: "Docs typo", body: "README says 'recieve'.", labels: ["documentation"] }),
    ];
    const snapshot = async () => ({
      index: await db.knex("feed_index").whereIn("issue_id", ids).orderBy("issue_id").select("issue_id"),
      ranks: await db.knex("feed_skill_rank").whereIn("issue_id", ids).orderBy(["issue_id", "skill"]).select("issue_id", "skill"),
    });
    const before = await snapshot();
    expect(before.ranks.length).toBeGreaterThan(0);
    // Each transaction holds its refresh open a moment, so the others start while it is in flight.
    const refresh = (order: number[]) =>
      db.knex.transaction(async (trx) => {
        await trx.raw("select feed_index_refresh(?::bigint[])", [order]);
        await trx.raw("select pg_sleep(0.05)");
        await trx.raw("select feed_index_refresh(?::bigint[])", [[...order].reverse()]);
      });
    await Promise.all(Array.from({ length: 6 }, (_, i) => refresh(i % 2 ? [...ids].reverse() : ids)));
    expect(await snapshot()).toEqual(before);
  });
});
