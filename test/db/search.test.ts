import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { createTestDb } from "../helpers/test-db.js";

let db: Db;

const REPO_ID = 3_000_000_001;

beforeAll(async () => {
  db = await createTestDb();
  await db.knex("repositories").insert({
    id: REPO_ID,
    owner: "acme",
    name: "parser",
    full_name: "acme/parser",
    tracked_via: "crawler",
  });
  const base = { repository_id: REPO_ID, github_created_at: new Date(), github_updated_at: new Date() };
  await db.knex("issues").insert([
    { ...base, id: 5_000_000_001, number: 1, title: "Fix flaky tests in the tokenizer", body: "Happens on CI only." },
    { ...base, id: 5_000_000_002, number: 2, title: "Document the CLI", body: "The tokenizer tests are flaky too." },
    { ...base, id: 5_000_000_003, number: 3, title: "Support Windows line endings", body: null },
  ]);
});

afterAll(async () => {
  await db?.close();
});

describe("issue search", () => {
  it("finds issues by words, ranking a title match above a body match", async () => {
    const result = await db.knex.raw<{ rows: { number: number; rank: number }[] }>(
      `select number, ts_rank(search_vector, query) as rank
         from issues, websearch_to_tsquery('english', ?) as query
        where search_vector @@ query
        order by rank desc`,
      ["flaky test"],
    );
    expect(result.rows.map((row) => row.number)).toEqual([1, 2]);
    expect(result.rows[0]?.rank).toBeGreaterThan(result.rows[1]?.rank ?? 0);
  });

  it("keeps the search vector current when the body changes", async () => {
    await db.knex("issues").where({ number: 3 }).update({ body: "CRLF breaks the lexer" });
    const result = await db.knex.raw<{ rows: { number: number }[] }>(
      `select number from issues where search_vector @@ websearch_to_tsquery('english', ?)`,
      ["lexer"],
    );
    expect(result.rows).toEqual([{ number: 3 }]);
  });

  it("finds titles despite a typo, by trigram similarity", async () => {
    const result = await db.knex.raw<{ rows: { number: number; score: number }[] }>(
      `select number, similarity(title, ?) as score from issues where title % ? order by score desc`,
      ["windos line ending", "windos line ending"],
    );
    expect(result.rows[0]?.number).toBe(3);
    expect(result.rows[0]?.score).toBeGreaterThan(0.3);
  });

  it("answers both kinds of search from their indexes", async () => {
    const plans = await db.knex.transaction(async (trx) => {
      // Three rows would always be scanned; forbid it to prove the indexes are usable.
      await trx.raw("set local enable_seqscan = off");
      const plan = async (sql: string) =>
        (await trx.raw<{ rows: { "QUERY PLAN": string }[] }>(`explain ${sql}`)).rows.map((r) => r["QUERY PLAN"]).join("\n");
      return [
        await plan(`select id from issues where search_vector @@ websearch_to_tsquery('english', 'flaky')`),
        await plan(`select id from issues where title % 'tokeniser'`),
      ];
    });
    expect(plans[0]).toContain("ix_issues_search_vector");
    expect(plans[1]).toContain("ix_issues_title_trgm");
  });
});
