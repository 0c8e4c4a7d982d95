import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/create-db.js";
import { DataDirLockedError } from "../../src/db/lock-data-dir.js";
import { migrateLatest } from "../../src/db/migrate.js";

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "illuminate-db-"));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("the embedded database on disk", () => {
  it("keeps its data and pg_trgm across restarts, and refuses a second opener meanwhile", async () => {
    // A lock left by a crashed process (a pid above Linux's pid_max, so surely gone) is taken over.
    await mkdir(join(dataDir, "nested"), { recursive: true });
    await writeFile(join(dataDir, "nested", "pglite.lock"), `${2 ** 22 + 1}\n`);

    const first = await createDb({ dataDir: join(dataDir, "nested") });
    expect(first.kind).toBe("pglite");
    await migrateLatest(first);
    await first
      .knex("repositories")
      .insert({ id: 1, owner: "acme", name: "widgets", full_name: "acme/widgets", tracked_via: "crawler" });

    await expect(createDb({ dataDir: join(dataDir, "nested") })).rejects.toBeInstanceOf(DataDirLockedError);
    await first.close();
    await first.close();

    const reopened = await createDb({ dataDir: join(dataDir, "nested") });
    try {
      expect(await migrateLatest(reopened)).toEqual([]);
      const result = await reopened.knex.raw<{ rows: { full_name: string; score: number }[] }>(
        "select full_name, similarity(full_name, 'acme/widget') as score from repositories",
      );
      expect(result.rows[0]?.full_name).toBe("acme/widgets");
      expect(result.rows[0]?.score).toBeGreaterThan(0.5);
    } finally {
      await reopened.close();
    }
  });

  it("says so when neither a server nor a place for the embedded database is given", async () => {
    await expect(createDb({})).rejects.toThrow(/databaseUrl, a dataDir, or inMemory/);
  });
});

describe("a PostgreSQL server", () => {
  it("that cannot be reached fails createDb at once, with the cause", async () => {
    await expect(createDb({ databaseUrl: "postgres://nobody@127.0.0.1:1/none" })).rejects.toThrow(/ECONNREFUSED/);
  });
});
