import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/create-db.js";
import { listTables } from "../../src/db/list-tables.js";
import { listMigrations, migrateLatest, migrateRollbackAll } from "../../src/db/migrate.js";
import type { Db } from "../../src/db/types.js";
import { createTestDb } from "../helpers/test-db.js";

let db: Db;

beforeAll(async () => {
  db = await createTestDb();
});

afterAll(async () => {
  await db?.close();
});

/** Everything a down migration could forget: tables, columns, constraints, indexes, functions. */
async function fingerprint(target: Db): Promise<string[]> {
  const result = await target.knex.raw<{ rows: { item: string }[] }>(
    `select 'column ' || table_name || '.' || column_name || ' ' || data_type as item
       from information_schema.columns where table_schema = 'public'
     union all
     select 'constraint ' || conname from pg_constraint
      where connamespace = 'public'::regnamespace and contype <> 'n'
     union all
     select 'index ' || indexname from pg_indexes where schemaname = 'public'
     union all
     select 'function ' || proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
     union all
     select 'trigger ' || tgname from pg_trigger where not tgisinternal
     order by item`,
  );
  return result.rows.map((row) => row.item).filter((item) => !/ knex_migrations/.test(item));
}

describe("migrations", () => {
  it("go up, down to nothing, and up again to the same schema", async () => {
    const migrated = await fingerprint(db);
    const { applied, pending } = await listMigrations(db);
    expect(pending).toEqual([]);
    expect(applied.length).toBeGreaterThanOrEqual(6);

    const undone = await migrateRollbackAll(db);
    expect(undone).toEqual([...applied].reverse());
    expect(await listTables(db)).toEqual([]);
    expect(await fingerprint(db)).toEqual([]);
    expect(await listMigrations(db)).toEqual({ applied: [], pending: applied });

    expect(await migrateLatest(db)).toEqual(applied);
    expect(await fingerprint(db)).toEqual(migrated);
    expect(await migrateLatest(db)).toEqual([]);
  });

  it.runIf(process.env.DATABASE_URL)("queue instead of failing when two instances migrate a new database at once", async () => {
    // Brand new, without even knex's own tables: the case where racing instances collide most.
    const fresh = `illuminate_fresh_${process.pid}_${Date.now()}`;
    await db.knex.raw(`create database ${fresh}`);
    const url = new URL(process.env.DATABASE_URL as string);
    url.pathname = `/${fresh}`;
    const instances = await Promise.all([createDb({ databaseUrl: url.toString() }), createDb({ databaseUrl: url.toString() })]);
    try {
      const results = await Promise.all(instances.map((instance) => migrateLatest(instance)));
      const counts = results.map((names) => names.length).sort();
      expect(counts[0]).toBe(0);
      expect(counts[1]).toBeGreaterThanOrEqual(6);
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
      await db.knex.raw(`drop database ${fresh} with (force)`);
    }
  });
});
