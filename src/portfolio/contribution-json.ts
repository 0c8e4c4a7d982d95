import type { Contribution } from "./contribution-store.js";

/** A contribution as the API shows it; the export writes the same fields. */
export const contributionJson = (c: Contribution) => ({
  id: c.id,
  repository: c.repoFullName,
  number: c.prNumber,
  title: c.title,
  url: c.url,
  mergedAt: c.mergedAt.toISOString(),
  additions: c.additions,
  deletions: c.deletions,
  changedFiles: c.changedFiles,
  languages: c.languages,
  skillTags: c.skillTags,
  source: c.source,
  private: c.isPrivate,
  firstInRepository: c.firstInRepo,
  repositoryDescription: c.repoDescription,
  repositoryStars: c.repoStars,
  repositoryTopics: c.repoTopics,
  enriched: c.enrichedAt !== null,
});
