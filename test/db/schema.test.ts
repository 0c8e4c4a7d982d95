import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listTables } from "../../src/db/list-tables.js";
import type { Db } from "../../src/db/types.js";
import { createTestDb } from "../helpers/test-db.js";

const EXPECTED_TABLES = [
  "bot_comments",
  "contribution_events",
  "contributions",
  "crawl_cursors",
  "deep_dive_reports",
  "deep_dive_repository_docs",
  "deep_dives",
  "feed_index",
  "feed_skill_rank",
  "feedback",
  "growth_records",
  "installations",
  "issue_comments",
  "issue_features",
  "issue_signals",
  "issue_skills",
  "issues",
  "notification_digests",
  "notification_settings",
  "notifications",
  "portfolio_search_state",
  "pull_requests",
  "reflections",
  "refresh_token_families",
  "refresh_tokens",
  "repo_health_snapshots",
  "repositories",
  "repository_activity",
  "repository_commits",
  "repository_syncs",
  "sample_data",
  "search_words",
  "skill_radar_scores",
  "tracked_repositories",
  "user_preferences",
  "user_skills",
  "user_tokens",
  "users",
  "watch_events",
  "watchlist_items",
  "webhook_deliveries",
];

let db: Db;

beforeAll(async () => {
  db = await createTestDb();
});

afterAll(async () => {
  await db?.close();
});

async function rows<T>(sql: string, bindings: readonly (string | number)[] = []): Promise<T[]> {
  const result = await db.knex.raw<{ rows: T[] }>(sql, bindings);
  return result.rows;
}

describe("schema", () => {
  it("has every table", async () => {
    expect(await listTables(db)).toEqual(EXPECTED_TABLES);
  });

  it("gives every table a primary key", async () => {
    const withoutKey = await rows<{ table_name: string }>(
      `select c.relname as table_name
         from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
          and not exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'p')`,
    );
    expect(withoutKey).toEqual([]);
  });

  it("names every constraint with the prefix of its kind, never a Postgres default", async () => {
    // contype 'n' (NOT NULL, recorded as a constraint since PostgreSQL 18) is not ours to name.
    const constraints = await rows<{ conname: string; contype: string }>(
      `select k.conname, k.contype
         from pg_constraint k join pg_class c on c.oid = k.conrelid
        where k.connamespace = 'public'::regnamespace and k.contype in ('p', 'f', 'u', 'c', 'x')
          and c.relname not like 'knex\\_%'`,
    );
    const prefix: Record<string, string> = { p: "pk_", f: "fk_", u: "uq_", c: "ck_", x: "ex_" };
    const misnamed = constraints.filter((k) => !k.conname.startsWith(prefix[k.contype] ?? "?"));
    expect(misnamed).toEqual([]);
    expect(constraints.length).toBeGreaterThan(100);
    expect(constraints.map((k) => k.conname)).toEqual(
      expect.arrayContaining([
        "pk_users",
        "uq_users_github_id",
        "uq_webhook_deliveries_delivery_id",
        "ck_webhook_deliveries_status",
        "uq_issues_repository_number",
        "fk_issues_repository",
        "ck_feedback_value",
      ]),
    );
  });

  it("names every index, never with a Postgres default", async () => {
    const indexes = await rows<{ indexname: string }>(
      `select indexname from pg_indexes where schemaname = 'public' and tablename not like 'knex\\_%'`,
    );
    const misnamed = indexes.map((i) => i.indexname).filter((name) => !/^(pk|uq|ix)_/.test(name));
    expect(misnamed).toEqual([]);
    expect(indexes.map((i) => i.indexname)).toEqual(
      expect.arrayContaining([
        "ix_issues_search_vector",
        "ix_issues_title_trgm",
        "ix_issues_state_github_updated_at",
        "ix_repositories_full_name",
        "ix_webhook_deliveries_status_received_at",
        "ix_notifications_user_read_at_created_at",
      ]),
    );
  });

  it("backs every foreign key with an index, so cascades and joins never scan", async () => {
    const unindexed = await rows<{ conname: string }>(
      `select k.conname
         from pg_constraint k
        where k.connamespace = 'public'::regnamespace and k.contype = 'f'
          and not exists (
            select 1 from pg_index i
             where i.indrelid = k.conrelid
               and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] @> k.conkey
               and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] <@ k.conkey)`,
    );
    expect(unindexed).toEqual([]);
  });

  it("has the webhook inbox exactly as the inbox code expects it", async () => {
    const columns = await rows<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
      `select column_name, data_type, is_nullable, column_default
         from information_schema.columns
        where table_schema = 'public' and table_name = 'webhook_deliveries'
        order by ordinal_position`,
    );
    expect(columns.map((c) => [c.column_name, c.data_type, c.is_nullable])).toEqual([
      ["id", "bigint", "NO"],
      ["delivery_id", "text", "NO"],
      ["event", "text", "NO"],
      ["action", "text", "YES"],
      ["installation_id", "bigint", "YES"],
      ["repository_id", "bigint", "YES"],
      ["payload", "json", "NO"],
      ["status", "text", "NO"],
      ["attempts", "integer", "NO"],
      ["error", "text", "YES"],
      ["received_at", "timestamp with time zone", "NO"],
      ["processed_at", "timestamp with time zone", "YES"],
      ["updated_at", "timestamp with time zone", "NO"],
    ]);

    const deliveries = db.knex("webhook_deliveries");
    await deliveries.clone().insert({ delivery_id: "d-1", event: "issues", action: "opened", payload: { a: 1 } });
    const second = await deliveries
      .clone()
      .insert({ delivery_id: "d-1", event: "issues", payload: {} })
      .onConflict("delivery_id")
      .ignore()
      .returning("id");
    expect(second).toEqual([]);
    const [row] = await deliveries.clone().where({ delivery_id: "d-1" });
    expect(row).toMatchObject({ status: "pending", attempts: 0, error: null, processed_at: null, payload: { a: 1 } });

    // Stored as delivered: json keeps the text, where jsonb would reorder keys and refuse "\u0000".
    const asDelivered = '{"zeta":1, "alpha":"nul \\u0000 inside"}';
    await deliveries.clone().insert({ delivery_id: "d-2", event: "issues", payload: asDelivered });
    expect((await db.knex.raw(`select payload::text as text from webhook_deliveries where delivery_id = 'd-2'`)).rows[0].text).toBe(asDelivered);
    await expect(deliveries.clone().where({ delivery_id: "d-1" }).update({ status: "done" })).rejects.toThrow(
      /ck_webhook_deliveries_status/,
    );
  });

  it("moves updated_at on every update, unless the writer sets it", async () => {
    const [user] = await db
      .knex("users")
      .insert({ github_id: 1, login: "octocat", created_at: "2020-01-01T00:00:00Z", updated_at: "2020-01-01T00:00:00Z" })
      .returning(["id", "updated_at"]);
    await db.knex("users").where({ id: user.id }).update({ name: "Mona" });
    const [touched] = await db.knex("users").where({ id: user.id }).select("updated_at");
    expect(touched.updated_at.getTime()).toBeGreaterThan(user.updated_at.getTime());

    const explicit = new Date("2021-06-01T00:00:00Z");
    await db.knex("users").where({ id: user.id }).update({ bio: "hi", updated_at: explicit });
    const [kept] = await db.knex("users").where({ id: user.id }).select("updated_at");
    expect(kept.updated_at).toEqual(explicit);
  });

  it("refuses what the domain forbids", async () => {
    const [user] = await db.knex("users").insert({ github_id: 2, login: "hubot" }).returning("id");
    await expect(
      db.knex("user_skills").insert({ user_id: user.id, skill: "TypeScript", kind: "language", weight: 0.5 }),
    ).rejects.toThrow(/ck_user_skills_skill/);
    await expect(
      db.knex("user_skills").insert({ user_id: user.id, skill: "typescript", kind: "language", weight: 2 }),
    ).rejects.toThrow(/ck_user_skills_weight/);
    await expect(db.knex("watchlist_items").insert({ user_id: user.id })).rejects.toThrow(/ck_watchlist_items_target/);
    await expect(
      db.knex("user_tokens").insert({
        user_id: user.id,
        kind: "access",
        ciphertext: Buffer.from("x"),
        nonce: Buffer.alloc(8),
        auth_tag: Buffer.alloc(16),
        key_id: "k1",
      }),
    ).rejects.toThrow(/ck_user_tokens_nonce/);
  });
});
