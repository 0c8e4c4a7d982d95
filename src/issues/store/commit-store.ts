import type { Knex } from "knex";

export interface CommitRecord {
  sha: string;
  committedAt: Date;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Commits that reached the default branch; a commit already recorded is not counted again. Returns how many were new. */
export async function insertCommits(trx: Knex, repositoryId: number, commits: CommitRecord[]): Promise<number> {
  const rows = commits
    .filter((c) => SHA.test(c.sha) && !Number.isNaN(c.committedAt.getTime()))
    .map((c) => ({ repository_id: repositoryId, sha: c.sha, committed_at: c.committedAt }));
  let inserted = 0;
  for (let start = 0; start < rows.length; start += 500) {
    const result = await trx("repository_commits").insert(rows.slice(start, start + 500)).onConflict(["repository_id", "sha"]).ignore().returning("sha");
    inserted += result.length;
  }
  return inserted;
}

/** Commits per UTC day in a window, for charts and the health scorer. */
export async function listCommitCountsByDay(knex: Knex, repositoryId: number, since: Date): Promise<Array<{ day: string; commits: number }>> {
  const rows: Array<{ day: string; commits: string | number }> = await knex("repository_commits")
    .where({ repository_id: repositoryId })
    .where("committed_at", ">=", since)
    .groupByRaw("1")
    .orderByRaw("1")
    .select(knex.raw("to_char(committed_at at time zone 'UTC', 'YYYY-MM-DD') as day"), knex.raw("count(*) as commits"));
  return rows.map((r) => ({ day: r.day, commits: Number(r.commits) }));
}
