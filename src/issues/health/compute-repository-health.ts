import type { Knex } from "knex";
import { collectHealthFacts } from "./collect-health-facts.js";
import { saveHealthSnapshot, type RepositoryHealth } from "./health-store.js";
import { scoreRepositoryHealth } from "./score-repository-health.js";

/** Scores one repository now and stores the day's snapshot. Null for an unknown repository. */
export async function computeRepositoryHealth(knex: Knex, repositoryId: number, now: Date): Promise<RepositoryHealth | null> {
  const facts = await collectHealthFacts(knex, repositoryId, now);
  if (!facts) return null;
  const health = scoreRepositoryHealth(facts);
  await saveHealthSnapshot(knex, repositoryId, health, now);
  return { repositoryId, ...health, computedAt: now };
}

/** The daily run: every repository still indexed. Returns how many were scored. */
export async function computeAllRepositoryHealth(knex: Knex, now: Date, onError: (repositoryId: number, error: unknown) => void): Promise<number> {
  const rows: Array<{ id: number }> = await knex("repositories").whereNull("deleted_at").select("id").orderBy("id");
  let scored = 0;
  for (const { id } of rows) {
    try {
      if (await computeRepositoryHealth(knex, Number(id), now)) scored += 1;
    } catch (error) {
      onError(Number(id), error);
    }
  }
  return scored;
}
