import type { Knex } from "knex";
import type { HealthComponents, HealthScore } from "./score-repository-health.js";

export interface RepositoryHealth {
  repositoryId: number;
  score: number;
  components: HealthComponents;
  computedAt: Date;
}

/** One snapshot per repository and UTC day: a second computation the same day replaces the first. */
export async function saveHealthSnapshot(knex: Knex, repositoryId: number, health: HealthScore, computedAt: Date): Promise<void> {
  const day = computedAt.toISOString().slice(0, 10);
  await knex.transaction(async (trx) => {
    await trx("repo_health_snapshots")
      .where({ repository_id: repositoryId })
      .whereRaw("(computed_at at time zone 'UTC')::date = ?::date", [day])
      .delete();
    await trx("repo_health_snapshots").insert({
      repository_id: repositoryId,
      score: health.score,
      components: JSON.stringify(health.components),
      computed_at: computedAt,
    });
  });
}

export async function getLatestHealth(knex: Knex, repositoryId: number): Promise<RepositoryHealth | null> {
  const row: { score: number; components: HealthComponents | string; computed_at: Date } | undefined = await knex("repo_health_snapshots")
    .where({ repository_id: repositoryId })
    .orderBy("computed_at", "desc")
    .first("score", "components", "computed_at");
  if (!row) return null;
  return {
    repositoryId,
    score: Number(row.score),
    components: typeof row.components === "string" ? JSON.parse(row.components) : row.components,
    computedAt: row.computed_at,
  };
}
