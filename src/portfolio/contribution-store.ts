import type { Knex } from "knex";

export type ContributionSource = "webhook" | "search" | "manual";

/** What any detection path knows about a merged PR before enrichment. */
export interface DetectedContribution {
  githubPrId: number;
  authorGithubId: number;
  authorLogin: string;
  repositoryId: number;
  repoFullName: string;
  prNumber: number;
  title: string;
  url: string;
  mergedAt: Date;
  isPrivate: boolean;
  source: ContributionSource;
}

export interface Contribution {
  id: number;
  githubPrId: number;
  repoFullName: string;
  prNumber: number;
  title: string;
  url: string;
  mergedAt: Date;
  additions: number | null;
  deletions: number | null;
  changedFiles: number | null;
  languages: Record<string, number>;
  skillTags: string[];
  source: ContributionSource;
  isPrivate: boolean;
  firstInRepo: boolean;
  repoDescription: string | null;
  repoStars: number | null;
  repoTopics: string[];
  enrichedAt: Date | null;
}

export interface ContributionRow {
  id: number;
  github_pr_id: number;
  repo_full_name: string;
  pr_number: number;
  title: string;
  url: string;
  merged_at: Date;
  additions: number | null;
  deletions: number | null;
  changed_files: number | null;
  languages: Record<string, number>;
  skill_tags: string[];
  source: ContributionSource;
  is_private: boolean;
  first_in_repo: boolean;
  repo_description: string | null;
  repo_stars: number | null;
  repo_topics: string[];
  enriched_at: Date | null;
}

export const toContribution = (row: ContributionRow): Contribution => ({
  id: Number(row.id),
  githubPrId: Number(row.github_pr_id),
  repoFullName: row.repo_full_name,
  prNumber: row.pr_number,
  title: row.title,
  url: row.url,
  mergedAt: row.merged_at,
  additions: row.additions,
  deletions: row.deletions,
  changedFiles: row.changed_files,
  languages: row.languages ?? {},
  skillTags: row.skill_tags ?? [],
  source: row.source,
  isPrivate: row.is_private,
  firstInRepo: row.first_in_repo,
  repoDescription: row.repo_description,
  repoStars: row.repo_stars,
  repoTopics: row.repo_topics ?? [],
  enrichedAt: row.enriched_at,
});

/**
 * Stores a merged PR once, keyed by GitHub's PR id, whichever path saw it first. A later sighting
 * only fills in the owner (user_id) if it was unknown; it never changes the source or the data.
 * Returns the row id and whether this call created it.
 */
export async function upsertContribution(knex: Knex, userId: number | null, c: DetectedContribution): Promise<{ id: number; created: boolean }> {
  const inserted: Array<{ id: number }> = await knex("contributions")
    .insert({
      user_id: userId,
      author_github_id: c.authorGithubId,
      author_login: c.authorLogin,
      github_pr_id: c.githubPrId,
      repository_id: c.repositoryId,
      repo_full_name: c.repoFullName,
      pr_number: c.prNumber,
      title: c.title,
      url: c.url,
      merged_at: c.mergedAt,
      source: c.source,
      is_private: c.isPrivate,
    })
    .onConflict("github_pr_id")
    .ignore()
    .returning("id");
  if (inserted[0]) return { id: Number(inserted[0].id), created: true };
  const existing: { id: number } = await knex("contributions").where({ github_pr_id: c.githubPrId }).first("id");
  if (userId !== null) await knex("contributions").where({ id: existing.id }).whereNull("user_id").update({ user_id: userId });
  return { id: Number(existing.id), created: false };
}

/**
 * A user's contributions, newest first. Matched on the author's GitHub id (every detection path
 * records it; logins change, ids do not), so PRs recorded before the author signed up are theirs
 * without a claiming step.
 */
export async function listContributions(knex: Knex, owner: { userId: number; githubId: number }, options: { publicOnly: boolean; limit?: number }): Promise<Contribution[]> {
  const query = knex("contributions")
    .where({ author_github_id: owner.githubId })
    .orderBy([{ column: "merged_at", order: "desc" }, { column: "id", order: "desc" }]);
  if (options.publicOnly) query.where({ is_private: false });
  if (options.limit) query.limit(options.limit);
  return ((await query.select("*")) as ContributionRow[]).map(toContribution);
}

export async function getContribution(knex: Knex, id: number): Promise<(Contribution & { authorGithubId: number; userId: number | null; repositoryId: number }) | null> {
  const row = (await knex("contributions").where({ id }).first()) as (ContributionRow & { author_github_id: number; user_id: number | null; repository_id: number }) | undefined;
  return row ? { ...toContribution(row), authorGithubId: Number(row.author_github_id), userId: row.user_id === null ? null : Number(row.user_id), repositoryId: Number(row.repository_id) } : null;
}

export interface Enrichment {
  title: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  languages: Record<string, number>;
  skillTags: string[];
  isPrivate: boolean;
  repoDescription: string | null;
  repoStars: number;
  repoTopics: string[];
}

export async function saveEnrichment(knex: Knex, id: number, e: Enrichment, at: Date): Promise<void> {
  await knex("contributions")
    .where({ id })
    .update({
      title: e.title,
      additions: e.additions,
      deletions: e.deletions,
      changed_files: e.changedFiles,
      languages: JSON.stringify(e.languages),
      skill_tags: e.skillTags,
      is_private: e.isPrivate,
      repo_description: e.repoDescription,
      repo_stars: e.repoStars,
      repo_topics: JSON.stringify(e.repoTopics),
      enriched_at: at,
    });
}

/**
 * Whether this is the author's first merged PR in the repository as far as we know: no earlier
 * merge of theirs there is recorded. Recomputed for every row of that repo so a PR found later by
 * the search (older than one already stored) moves the mark to the right one.
 */
export async function markFirstInRepo(knex: Knex, authorGithubId: number, repositoryId: number): Promise<void> {
  const rows: Array<{ id: number }> = await knex("contributions")
    .where({ author_github_id: authorGithubId, repository_id: repositoryId })
    .orderBy([{ column: "merged_at", order: "asc" }, { column: "id", order: "asc" }])
    .select("id");
  if (rows.length === 0) return;
  const firstId = Number(rows[0]!.id);
  await knex("contributions").where({ author_github_id: authorGithubId, repository_id: repositoryId }).whereNot({ id: firstId }).where({ first_in_repo: true }).update({ first_in_repo: false });
  await knex("contributions").where({ id: firstId }).update({ first_in_repo: true });
}
