import { MIGRATION_TABLES } from "./migrate.js";
import type { Db } from "./types.js";

/** The application's tables in the public schema, sorted; knex's own bookkeeping is left out. */
export async function listTables(db: Db): Promise<string[]> {
  const rows = await db
    .knex("information_schema.tables")
    .select<{ table_name: string }[]>("table_name")
    .where({ table_schema: "public", table_type: "BASE TABLE" })
    .whereNotIn("table_name", MIGRATION_TABLES)
    .orderBy("table_name");
  return rows.map((row) => row.table_name);
}
