import { fileURLToPath } from "node:url";
import type { Knex } from "knex";
import type { Db } from "./types.js";

/** knex's bookkeeping tables, which are not part of the schema. */
export const MIGRATION_TABLES = ["knex_migrations", "knex_migrations_lock"] as const;

// Resolved from this file so the CLI, the server and the tests find it from any working directory.
const MIGRATIONS_DIRECTORY = fileURLToPath(new URL("../../migrations/", import.meta.url));

const migratorConfig: Knex.MigratorConfig = {
  directory: MIGRATIONS_DIRECTORY,
  tableName: MIGRATION_TABLES[0],
  // Only the plain ESM migrations: a stray .ts or .map next to them must not be picked up.
  loadExtensions: [".js"],
};

// Arbitrary, fixed: every instance of the app must agree on it.
const MIGRATION_ADVISORY_LOCK = 7_318_204_551;

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

/** Applies every pending migration in one transaction. Returns the names applied. */
export async function migrateLatest(db: Db): Promise<string[]> {
  return serialized(db, async () => {
    const [, applied] = (await db.knex.migrate.latest(migratorConfig)) as [number, string[]];
    return applied;
  });
}

/** Undoes the last batch of migrations. Returns the names undone, newest first. */
export async function migrateRollback(db: Db): Promise<string[]> {
  return serialized(db, async () => {
    const [, undone] = (await db.knex.migrate.rollback(migratorConfig)) as [number, string[]];
    return undone;
  });
}

/** Undoes every migration: an empty schema. Returns the names undone, newest first. */
export async function migrateRollbackAll(db: Db): Promise<string[]> {
  return serialized(db, async () => {
    const [, undone] = (await db.knex.migrate.rollback(migratorConfig, true)) as [number, string[]];
    return undone;
  });
}

export async function listMigrations(db: Db): Promise<MigrationStatus> {
  const [applied, pending] = (await db.knex.migrate.list(migratorConfig)) as [{ name: string }[], { file: string }[]];
  return { applied: applied.map((m) => m.name), pending: pending.map((m) => m.file) };
}

/**
 * Several instances starting together would race, and knex's own lock makes the losers fail
 * ("Migration table is already locked") instead of waiting. A transaction-scoped advisory lock
 * makes them queue; each then finds nothing left to do. The migrator runs on another pooled
 * connection while this one holds the lock. PGlite has a single connection and a single process,
 * so there is nothing to serialize there (and taking the connection would deadlock the migrator).
 */
async function serialized<T>(db: Db, work: () => Promise<T>): Promise<T> {
  if (db.kind === "pglite") return work();
  return db.knex.transaction(async (trx) => {
    await trx.raw("select pg_advisory_xact_lock(?)", [MIGRATION_ADVISORY_LOCK]);
    return work();
  });
}
