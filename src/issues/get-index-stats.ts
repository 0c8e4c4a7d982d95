import type { Knex } from "knex";

export interface IndexStats {
  repositories: number;
  issuesIndexed: number;
  openIssues: number;
}

/** Figures for the home page: what the index holds right now. */
export async function getIndexStats(knex: Knex): Promise<IndexStats> {
  const [repos] = await knex("repositories").whereNull("deleted_at").count({ n: "*" });
  const [issues] = await knex("issues")
    .count({ n: "*" })
    .select(knex.raw("count(*) filter (where state = 'open') as open"));
  return {
    repositories: Number(repos?.n ?? 0),
    issuesIndexed: Number(issues?.n ?? 0),
    openIssues: Number((issues as { open?: unknown } | undefined)?.open ?? 0),
  };
}
