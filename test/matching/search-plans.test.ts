import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { planSearch } from "../../src/matching/search/search-issues.js";
import { searchSql, shouldWalkRecency, TEXT_CANDIDATES } from "../../src/matching/search/search-sql.js";
import { createTestDb } from "../helpers/test-db.js";
import { daysAgo, seedIssue, seedRepo } from "./matching-kit.js";

// The search reads its candidates one of two ways: walking the recency index (common words) or
// collecting every match from the GIN index and sorting (middling ones). Which one is a matter of
// speed only: both must return the same rows in the same order.

let db: Db;

beforeAll(async () => {
  db = await createTestDb();
  const repo = await seedRepo(db, { fullName: "acme/locales", languages: { TypeScript: 100 } });
  for (let i = 0; i < 40; i++) {
    await seedIssue(db, repo, {
      title: i % 3 === 0 ? `Locale fallback for plural forms ${i}` : `Translate the settings page ${i}`,
      body: i % 2 === 0 ? "The i18n catalogue misses a locale key." : "Copy changes only.",
      updatedAt: daysAgo(1 + (i % 7)),
    });
  }
});

afterAll(async () => {
  await db?.close();
});

describe("how search reads its candidates", () => {
  it("walks the recency index only when the matches are dense enough to find the newest quickly", () => {
    expect(shouldWalkRecency(150_000, 1_000_000)).toBe(true);
    expect(shouldWalkRecency(5_000, 1_000_000)).toBe(false);
    // The break-even: TEXT_CANDIDATES × total ÷ matches rows walked against `matches` collected.
    const breakEven = Math.sqrt(TEXT_CANDIDATES * 1_000_000);
    expect(shouldWalkRecency(Math.ceil(breakEven), 1_000_000)).toBe(true);
    expect(shouldWalkRecency(Math.floor(breakEven) - 1, 1_000_000)).toBe(false);
  });

  it.each(["locale", "i18n locale", "translate settings", "plural -settings"])("returns the same page either way for %j", async (q) => {
    const asOf = new Date();
    const plan = await planSearch(db.knex, {}, q, asOf);
    const run = async (walkRecency: boolean) => {
      const result = await db.knex.raw(searchSql({}, false, { ...plan, walkRecency, walkFixed: walkRecency }), { q, fixed: plan.fixed, asOf: asOf.toISOString(), limitPlusOne: 21 });
      return (result.rows as Array<{ id: string | number; rank: string }>).map((r) => `${r.id}:${r.rank}`);
    };
    const walked = await run(true);
    expect(walked.length).toBeGreaterThan(0);
    expect(await run(false)).toEqual(walked);
  });
});
