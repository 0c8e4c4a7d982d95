import type { ProbotOctokit } from "probot";

export interface PullRequestDetails {
  githubPrId: number;
  title: string;
  url: string;
  merged: boolean;
  mergedAt: Date | null;
  authorGithubId: number | null;
  authorLogin: string | null;
  additions: number;
  deletions: number;
  changedFiles: number;
  repositoryId: number;
  repoFullName: string;
  repoOwnerLogin: string;
  isPrivate: boolean;
  repoDescription: string | null;
  repoStars: number;
  repoTopics: string[];
}

interface PullRequestResponse {
  id: number;
  number: number;
  title: string;
  html_url: string;
  merged?: boolean;
  merged_at: string | null;
  user: { id: number; login: string } | null;
  additions?: number;
  deletions?: number;
  changed_files?: number;
  base: {
    repo: {
      id: number;
      full_name: string;
      private: boolean;
      description: string | null;
      stargazers_count?: number;
      topics?: string[];
      owner: { login: string };
    };
  };
}

export async function fetchPullRequest(octokit: ProbotOctokit, owner: string, repo: string, number: number): Promise<PullRequestDetails> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner, repo, pull_number: number });
  const pr = data as unknown as PullRequestResponse;
  const base = pr.base.repo;
  return {
    githubPrId: pr.id,
    title: pr.title,
    url: pr.html_url,
    merged: pr.merged ?? pr.merged_at !== null,
    mergedAt: pr.merged_at ? new Date(pr.merged_at) : null,
    authorGithubId: pr.user?.id ?? null,
    authorLogin: pr.user?.login ?? null,
    additions: pr.additions ?? 0,
    deletions: pr.deletions ?? 0,
    changedFiles: pr.changed_files ?? 0,
    repositoryId: base.id,
    repoFullName: base.full_name,
    repoOwnerLogin: base.owner.login,
    isPrivate: base.private,
    repoDescription: base.description,
    repoStars: base.stargazers_count ?? 0,
    repoTopics: base.topics ?? [],
  };
}

/** GitHub lists at most 3,000 files of a PR, 100 a page. */
const MAX_FILE_PAGES = 30;

export async function fetchPullRequestFiles(
  octokit: ProbotOctokit,
  owner: string,
  repo: string,
  number: number,
): Promise<Array<{ filename: string; additions: number; deletions: number }>> {
  const files: Array<{ filename: string; additions: number; deletions: number }> = [];
  for (let page = 1; page <= MAX_FILE_PAGES; page++) {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner, repo, pull_number: number, per_page: 100, page });
    for (const f of data) files.push({ filename: f.filename, additions: f.additions, deletions: f.deletions });
    if (data.length < 100) break;
  }
  return files;
}
