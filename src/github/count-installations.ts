import type { Knex } from "knex";

/** Installations that are active: not removed, not suspended. */
export async function countInstallations(knex: Knex): Promise<number> {
  const [row] = await knex("installations").whereNull("deleted_at").whereNull("suspended_at").count({ n: "*" });
  return Number(row?.n ?? 0);
}
