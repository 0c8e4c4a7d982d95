import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/create-db.js";
import { migrateLatest } from "../../src/db/migrate.js";
import type { Db } from "../../src/db/types.js";
import { createTestDb } from "../helpers/test-db.js";

let db: Db;

beforeAll(async () => {
  db = await createTestDb();
});

afterAll(async () => {
  await db?.close();
});

const LITERALS = `
  select 9007199254740991::int8 as max_safe,
         4294967296::int8 as github_id,
         (select count(*) from generate_series(1, 3)) as count,
         (select sum(g) from generate_series(1::int8, 3::int8) as g) as sum_int8,
         (select avg(g) from generate_series(1, 4) as g) as average,
         0.25::real as real_value,
         1.5::float8 as float_value,
         7::int4 as int4_value,
         '2024-02-29'::date as day,
         '2024-02-29T12:34:56.789Z'::timestamptz as at,
         '{"a": [1, {"b": null}]}'::jsonb as object,
         '[1, "x"]'::jsonb as list,
         array['a', 'b']::text[] as texts,
         array[4294967296, null]::int8[] as ids,
         array[0.5, 2]::numeric[] as numbers,
         array['2024-01-01']::date[] as days,
         '\\x0102ff'::bytea as bytes,
         '192.168.0.1'::inet as ip,
         true as flag,
         null::text as nothing`;

const EXPECTED = {
  max_safe: 9007199254740991,
  github_id: 4294967296,
  count: 3,
  sum_int8: 6,
  average: 2.5,
  real_value: 0.25,
  float_value: 1.5,
  int4_value: 7,
  day: "2024-02-29",
  at: new Date("2024-02-29T12:34:56.789Z"),
  object: { a: [1, { b: null }] },
  list: [1, "x"],
  texts: ["a", "b"],
  ids: [4294967296, null],
  numbers: [0.5, 2],
  days: ["2024-01-01"],
  bytes: Buffer.from([1, 2, 255]),
  ip: "192.168.0.1",
  flag: true,
  nothing: null,
};

async function roundTrip(target: Db): Promise<Record<string, unknown>> {
  const [user] = await target
    .knex("users")
    .insert({ github_id: 2 ** 40 + 1, login: "octocat", onboarded_at: new Date("2024-05-01T10:00:00Z") })
    .returning("*");
  await target.knex("installations").insert({
    id: 3_000_000_000,
    account_id: 2 ** 33,
    account_login: "acme",
    account_type: "Organization",
    target_type: "Organization",
    permissions: { issues: "write" },
    // node-postgres would send a JS array as a Postgres array literal; JSON text works on both.
    events: JSON.stringify(["issues", "pull_request"]),
  });
  const [installation] = await target.knex("installations").select("id", "account_id", "permissions", "events", "created_at");
  const [tokens] = await target
    .knex("user_tokens")
    .insert({
      user_id: user.id,
      kind: "access",
      ciphertext: Buffer.from("secret"),
      nonce: Buffer.alloc(12, 1),
      auth_tag: Buffer.alloc(16, 2),
      key_id: "k1",
    })
    .returning(["ciphertext", "nonce"]);
  return { user: { ...user, created_at: "now", updated_at: "now" }, installation: { ...installation, created_at: "now" }, tokens };
}

describe("values read back", () => {
  it("have one JavaScript type per Postgres type", async () => {
    const result = await db.knex.raw<{ rows: Record<string, unknown>[] }>(LITERALS);
    expect(result.rows[0]).toEqual(EXPECTED);
  });

  it("keep GitHub ids, timestamps, jsonb and bytea intact through tables", async () => {
    const values = await roundTrip(db);
    expect(values).toEqual({
      user: {
        id: expect.any(Number),
        github_id: 2 ** 40 + 1,
        login: "octocat",
        name: null,
        avatar_url: null,
        email: null,
        bio: null,
        public_portfolio: false,
        onboarded_at: new Date("2024-05-01T10:00:00Z"),
        last_seen_at: null,
        deleted_at: null,
        created_at: "now",
        updated_at: "now",
        onboarding_state: "signed_in",
        profile_status: "pending",
        profile_analyzed_at: null,
        profile_error: null,
      },
      installation: {
        id: 3_000_000_000,
        account_id: 2 ** 33,
        permissions: { issues: "write" },
        events: ["issues", "pull_request"],
        created_at: "now",
      },
      tokens: { ciphertext: Buffer.from("secret"), nonce: Buffer.alloc(12, 1) },
    });
    const [row] = await db.knex("users").select("created_at");
    expect(row.created_at).toBeInstanceOf(Date);
  });

  it("refuse an int8 beyond exact JavaScript numbers instead of rounding it", async () => {
    await expect(db.knex.raw("select 9007199254740993::int8 as too_big")).rejects.toThrow(RangeError);
    const after = await db.knex.raw<{ rows: { ok: number }[] }>("select 1 as ok");
    expect(after.rows).toEqual([{ ok: 1 }]);
  });

  it.runIf(process.env.DATABASE_URL)("are identical on PostgreSQL and on the embedded database", async () => {
    const embedded = await createDb({ inMemory: true });
    try {
      await migrateLatest(embedded);
      const [server, local] = await Promise.all([db, embedded].map((target) => target.knex.raw(LITERALS)));
      expect(local.rows).toEqual(server.rows);
      await db.knex("user_tokens").del();
      await db.knex("installations").del();
      await db.knex("users").del();
      const [fromServer, fromLocal] = [await roundTrip(db), await roundTrip(embedded)];
      expect({ ...fromLocal, user: { ...fromLocal.user as object, id: 0 } }).toEqual({
        ...fromServer,
        user: { ...fromServer.user as object, id: 0 },
      });
    } finally {
      await embedded.close();
    }
  });
});
