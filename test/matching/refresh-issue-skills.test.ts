import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { refreshIssueSkills } from "../../src/matching/skills/refresh-issue-skills.js";
import { createTestDb } from "../helpers/test-db.js";
import { seedIssue, seedRepo } from "./matching-kit.js";

let db: Db;

beforeAll(async () => {
  db = await createTestDb();
});

afterAll(async () => {
  await db?.close();
});

describe("deriving an issue's skills", () => {
  it("two refreshes of the same issues at once (a webhook's and a sweep's) both succeed and leave one set of skills", async () => {
    const repo = await seedRepo(db, { fullName: "octo/racy", languages: { TypeScript: 9000, Rust: 1000 }, health: 0.7 });
    const ids = [
      await seedIssue(db, repo, { title: "Parser drops tabs", body: "In `src/parser.ts` tabs vanish.", labels: ["bug"] }),
      await seedIssue(db, repo, { title: "Docs typo", body: "README says 'recieve'.", labels: ["documentation"] }),
    ];
    const before = await db.knex("issue_skills").whereIn("issue_id", ids).orderBy(["issue_id", "skill"]).select("issue_id", "skill", "kind", "weight");
    expect(before.length).toBeGreaterThan(0);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => refreshIssueSkills(db.knex, i % 2 ? [...ids].reverse() : ids)));
    expect(results).toEqual(Array(6).fill(2));
    const after = await db.knex("issue_skills").whereIn("issue_id", ids).orderBy(["issue_id", "skill"]).select("issue_id", "skill", "kind", "weight");
    expect(after).toEqual(before);
  });
});
