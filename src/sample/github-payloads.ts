import { SAMPLE_APP_ID, SAMPLE_INSTALLATION_ID, SAMPLE_LABELS, SAMPLE_ORG_ID, SAMPLE_OWNER, type SamplePerson, type SampleRepository } from "./sample-catalog.js";

// Webhook objects shaped field for field like the ones GitHub sends (see the payloads in
// @octokit/webhooks-examples), so the sample exercises exactly what real deliveries do.

const API = "https://api.github.com";
const WEB = "https://github.com";

export type Payload = Record<string, unknown>;

const nodeId = (kind: string, id: number) => Buffer.from(`0:${kind}${id}`).toString("base64").replace(/=+$/, "");
const iso = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, "Z");

export function toAccountPayload(account: { login: string; id: number }, type: "User" | "Organization" = "User"): Payload {
  const url = `${API}/users/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(type === "User" ? "User" : "Organization", account.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    gravatar_id: "",
    url,
    html_url: `${WEB}/${account.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: "public",
    site_admin: false,
  };
}

export const toUserPayload = (person: SamplePerson) => toAccountPayload(person, "User");
export const SAMPLE_ORG_PAYLOAD = () => toAccountPayload({ login: SAMPLE_OWNER, id: SAMPLE_ORG_ID }, "Organization");

/** What every delivery of an installed app carries. */
export const toInstallationRef = () => ({ id: SAMPLE_INSTALLATION_ID, node_id: nodeId("Installation", SAMPLE_INSTALLATION_ID) });

export const fullNameOf = (repo: SampleRepository) => `${SAMPLE_OWNER}/${repo.name}`;

export function toRepositoryPayload(repo: SampleRepository, at: Date, openIssues: number): Payload {
  const fullName = fullNameOf(repo);
  const url = `${API}/repos/${fullName}`;
  const created = new Date(Date.UTC(2021, 2 + (repo.id % 12), 3 + (repo.id % 20), 9, 30));
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: fullName,
    private: false,
    owner: SAMPLE_ORG_PAYLOAD(),
    html_url: `${WEB}/${fullName}`,
    description: repo.description,
    fork: false,
    url,
    forks_url: `${url}/forks`,
    keys_url: `${url}/keys{/key_id}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    teams_url: `${url}/teams`,
    hooks_url: `${url}/hooks`,
    issue_events_url: `${url}/issues/events{/number}`,
    events_url: `${url}/events`,
    assignees_url: `${url}/assignees{/user}`,
    branches_url: `${url}/branches{/branch}`,
    tags_url: `${url}/tags`,
    blobs_url: `${url}/git/blobs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    trees_url: `${url}/git/trees{/sha}`,
    statuses_url: `${url}/statuses/{sha}`,
    languages_url: `${url}/languages`,
    stargazers_url: `${url}/stargazers`,
    contributors_url: `${url}/contributors`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    commits_url: `${url}/commits{/sha}`,
    git_commits_url: `${url}/git/commits{/sha}`,
    comments_url: `${url}/comments{/number}`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    contents_url: `${url}/contents/{+path}`,
    compare_url: `${url}/compare/{base}...{head}`,
    merges_url: `${url}/merges`,
    archive_url: `${url}/{archive_format}{/ref}`,
    downloads_url: `${url}/downloads`,
    issues_url: `${url}/issues{/number}`,
    pulls_url: `${url}/pulls{/number}`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    labels_url: `${url}/labels{/name}`,
    releases_url: `${url}/releases{/id}`,
    deployments_url: `${url}/deployments`,
    created_at: iso(created),
    updated_at: iso(at),
    pushed_at: iso(at),
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `${WEB}/${fullName}.git`,
    svn_url: `${WEB}/${fullName}`,
    homepage: repo.homepage,
    size: 2000 + (repo.id % 9000),
    stargazers_count: repo.stars,
    watchers_count: repo.stars,
    language: repo.language,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: false,
    has_pages: repo.name === "handbook",
    has_discussions: true,
    forks_count: repo.forks,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: { key: repo.license.key, name: repo.license.name, spdx_id: repo.license.spdx, url: `${API}/licenses/${repo.license.key}`, node_id: nodeId("License", repo.id % 97) },
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: repo.topics,
    visibility: "public",
    forks: repo.forks,
    open_issues: openIssues,
    watchers: repo.stars,
    default_branch: "main",
    custom_properties: {},
  };
}

export function toLabelPayload(repo: SampleRepository, name: string): Payload {
  const label = SAMPLE_LABELS[name] ?? { color: "ededed", description: "", default: false };
  // One id per (repository, label), as on GitHub.
  const id = SAMPLE_INSTALLATION_ID + 5000 + (repo.id % 1000) * 100 + Object.keys(SAMPLE_LABELS).indexOf(name);
  return {
    id,
    node_id: nodeId("Label", id),
    url: `${API}/repos/${fullNameOf(repo)}/labels/${encodeURIComponent(name)}`,
    name,
    color: label.color,
    default: label.default,
    description: label.description,
  };
}

export interface IssueState {
  id: number;
  number: number;
  title: string;
  body: string;
  author: SamplePerson;
  authorAssociation: "NONE" | "CONTRIBUTOR" | "MEMBER";
  labels: string[];
  assignees: SamplePerson[];
  comments: number;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export function toIssuePayload(repo: SampleRepository, issue: IssueState): Payload {
  const url = `${API}/repos/${fullNameOf(repo)}/issues/${issue.number}`;
  return {
    url,
    repository_url: `${API}/repos/${fullNameOf(repo)}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${WEB}/${fullNameOf(repo)}/issues/${issue.number}`,
    id: issue.id,
    node_id: nodeId("Issue", issue.id),
    number: issue.number,
    title: issue.title,
    user: toUserPayload(issue.author),
    labels: issue.labels.map((name) => toLabelPayload(repo, name)),
    state: issue.state,
    locked: false,
    assignee: issue.assignees[0] ? toUserPayload(issue.assignees[0]) : null,
    assignees: issue.assignees.map(toUserPayload),
    milestone: null,
    comments: issue.comments,
    created_at: iso(issue.createdAt),
    updated_at: iso(issue.updatedAt),
    closed_at: issue.closedAt ? iso(issue.closedAt) : null,
    author_association: issue.authorAssociation,
    active_lock_reason: null,
    body: issue.body,
    draft: false,
    reactions: { url: `${url}/reactions`, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 },
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.stateReason,
  };
}

export function toCommentPayload(
  repo: SampleRepository,
  issueNumber: number,
  comment: { id: number; author: SamplePerson; association: string; body: string; at: Date },
): Payload {
  const url = `${API}/repos/${fullNameOf(repo)}/issues/comments/${comment.id}`;
  return {
    url,
    html_url: `${WEB}/${fullNameOf(repo)}/issues/${issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${API}/repos/${fullNameOf(repo)}/issues/${issueNumber}`,
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    user: toUserPayload(comment.author),
    created_at: iso(comment.at),
    updated_at: iso(comment.at),
    author_association: comment.association,
    body: comment.body,
    reactions: { url: `${url}/reactions`, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 },
    performed_via_github_app: null,
  };
}

export interface PullRequestState {
  id: number;
  number: number;
  title: string;
  body: string;
  author: SamplePerson;
  branch: string;
  headSha: string;
  baseSha: string;
  state: "open" | "closed";
  merged: boolean;
  mergedBy: SamplePerson | null;
  mergeCommitSha: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  mergedAt: Date | null;
  additions: number;
  deletions: number;
  changedFiles: number;
  commits: number;
}

export function toPullRequestPayload(repo: SampleRepository, pr: PullRequestState, at: Date, openIssues: number): Payload {
  const fullName = fullNameOf(repo);
  const url = `${API}/repos/${fullName}/pulls/${pr.number}`;
  const issueUrl = `${API}/repos/${fullName}/issues/${pr.number}`;
  const html = `${WEB}/${fullName}/pull/${pr.number}`;
  const repository = toRepositoryPayload(repo, at, openIssues);
  return {
    url,
    id: pr.id,
    node_id: nodeId("PullRequest", pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueUrl,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: toUserPayload(pr.author),
    body: pr.body,
    created_at: iso(pr.createdAt),
    updated_at: iso(pr.updatedAt),
    closed_at: pr.closedAt ? iso(pr.closedAt) : null,
    merged_at: pr.mergedAt ? iso(pr.mergedAt) : null,
    merge_commit_sha: pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    draft: false,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${API}/repos/${fullName}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: `${API}/repos/${fullName}/statuses/${pr.headSha}`,
    head: { label: `${pr.author.login}:${pr.branch}`, ref: pr.branch, sha: pr.headSha, user: toUserPayload(pr.author), repo: repository },
    base: { label: `${SAMPLE_OWNER}:main`, ref: "main", sha: pr.baseSha, user: SAMPLE_ORG_PAYLOAD(), repo: repository },
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${API}/repos/${fullName}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${API}/repos/${fullName}/statuses/${pr.headSha}` },
    },
    author_association: "CONTRIBUTOR",
    auto_merge: null,
    active_lock_reason: null,
    merged: pr.merged,
    mergeable: pr.state === "open" ? true : null,
    rebaseable: pr.state === "open" ? true : null,
    mergeable_state: pr.state === "open" ? "clean" : "unknown",
    merged_by: pr.mergedBy ? toUserPayload(pr.mergedBy) : null,
    comments: 1,
    review_comments: 0,
    maintainer_can_modify: true,
    commits: pr.commits,
    additions: pr.additions,
    deletions: pr.deletions,
    changed_files: pr.changedFiles,
  };
}

export function toInstallationPayload(at: Date): Payload {
  return {
    id: SAMPLE_INSTALLATION_ID,
    client_id: "Iv1.sample0000000000",
    account: SAMPLE_ORG_PAYLOAD(),
    repository_selection: "selected",
    access_tokens_url: `${API}/app/installations/${SAMPLE_INSTALLATION_ID}/access_tokens`,
    repositories_url: `${API}/installation/repositories`,
    html_url: `${WEB}/organizations/${SAMPLE_OWNER}/settings/installations/${SAMPLE_INSTALLATION_ID}`,
    app_id: SAMPLE_APP_ID,
    app_slug: "illuminate-sample",
    target_id: SAMPLE_ORG_ID,
    target_type: "Organization",
    permissions: { issues: "write", metadata: "read", pull_requests: "read", contents: "read" },
    events: ["issues", "issue_comment", "label", "pull_request", "pull_request_review", "push", "repository"],
    created_at: iso(at),
    updated_at: iso(at),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

export const toInstalledRepository = (repo: SampleRepository) => ({
  id: repo.id,
  node_id: nodeId("Repository", repo.id),
  name: repo.name,
  full_name: fullNameOf(repo),
  private: false,
});

export function toCommitPayload(repo: SampleRepository, commit: { sha: string; message: string; author: SamplePerson; at: Date; files: string[] }): Payload {
  const who = { name: commit.author.name, email: `${commit.author.id}+${commit.author.login}@users.noreply.github.com`, username: commit.author.login };
  return {
    id: commit.sha,
    tree_id: commit.sha.split("").reverse().join(""),
    distinct: true,
    message: commit.message,
    timestamp: commit.at.toISOString().replace(/\.\d{3}Z$/, "+00:00"),
    url: `${WEB}/${fullNameOf(repo)}/commit/${commit.sha}`,
    author: who,
    committer: who,
    added: [],
    removed: [],
    modified: commit.files,
  };
}

export { iso as toGithubTimestamp };
