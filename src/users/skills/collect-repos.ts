import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import { findManifests, type TreeEntry } from "./find-manifests.js";
import { mapLimit } from "./map-limit.js";
import { ManifestParseError, type Dependency } from "./manifests/manifest-types.js";
import { manifestParser } from "./manifests/parse-manifest.js";
import type { Ecosystem } from "./skill-catalog.js";

/** Everything the scorer needs to know about one repository, gathered from GitHub's REST API. */
export interface RepoSnapshot {
  fullName: string;
  owned: boolean;
  /** last push (owned) or last merged pull request (contributed) */
  activityAt: Date;
  description: string | null;
  topics: string[];
  languages: Record<string, number>;
  manifests: Array<{ path: string; ecosystem: Ecosystem; dependencies: Dependency[] }>;
  files: string[];
  skipped: Array<{ path: string; reason: string }>;
}

export const PROFILE_LIMITS = {
  ownedRepos: 30,
  contributedRepos: 10,
  manifestsPerRepo: 20,
  manifestBytes: 512 * 1024,
  dependenciesPerManifest: 2_000,
  treeEntries: 20_000,
};

interface RepoListing {
  full_name: string;
  fork: boolean;
  description: string | null;
  topics?: string[];
  pushed_at: string | null;
  default_branch?: string;
}

const statusOf = (error: unknown) => (typeof error === "object" && error !== null ? (error as { status?: number }).status : undefined);

/** Public, non-fork repositories the user owns, most recently pushed first. Public only: a profile never reveals private work. */
export async function listOwnedRepos(octokit: ProbotOctokit, login: string): Promise<RepoListing[]> {
  const { data } = await octokit.request("GET /users/{username}/repos", { username: login, type: "owner", sort: "pushed", per_page: 100 });
  return (data as RepoListing[]).filter((repo) => !repo.fork).slice(0, PROFILE_LIMITS.ownedRepos);
}

/** Other people's repositories the user got pull requests merged into, with the date of the latest one. */
export async function listContributedRepos(octokit: ProbotOctokit, login: string, owned: Set<string>): Promise<Array<{ fullName: string; mergedAt: Date }>> {
  const { data } = await octokit.request("GET /search/issues", { q: `type:pr author:${login} is:merged`, sort: "updated", per_page: 100 });
  const latest = new Map<string, Date>();
  for (const item of (data as { items: Array<{ repository_url: string; closed_at: string | null }> }).items) {
    const fullName = item.repository_url.split("/repos/")[1];
    if (!fullName || owned.has(fullName.toLowerCase())) continue;
    const at = new Date(item.closed_at ?? 0);
    if (!latest.has(fullName) || latest.get(fullName)! < at) latest.set(fullName, at);
  }
  return [...latest].map(([fullName, mergedAt]) => ({ fullName, mergedAt })).slice(0, PROFILE_LIMITS.contributedRepos);
}

async function getLanguages(octokit: ProbotOctokit, fullName: string): Promise<Record<string, number>> {
  const [owner, repo] = fullName.split("/") as [string, string];
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/languages", { owner, repo });
    return data as Record<string, number>;
  } catch (error) {
    if (statusOf(error) === 404) return {};
    throw error;
  }
}

async function getTree(octokit: ProbotOctokit, fullName: string, branch: string): Promise<TreeEntry[]> {
  const [owner, repo] = fullName.split("/") as [string, string];
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { owner, repo, tree_sha: branch, recursive: "1" });
    return (data.tree as Array<{ path?: string; type?: string; size?: number }>)
      .filter((entry) => entry.type === "blob" && typeof entry.path === "string")
      .slice(0, PROFILE_LIMITS.treeEntries)
      .map((entry) => ({ path: entry.path!, size: entry.size }));
  } catch (error) {
    // 409: an empty repository; 404: gone or the branch moved since the listing.
    if (statusOf(error) === 409 || statusOf(error) === 404) return [];
    throw error;
  }
}

async function getFileText(octokit: ProbotOctokit, fullName: string, path: string, ref: string): Promise<string | null> {
  const [owner, repo] = fullName.split("/") as [string, string];
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner, repo, path, ref });
    const file = data as { type?: string; encoding?: string; content?: string };
    if (file.type !== "file" || file.encoding !== "base64" || typeof file.content !== "string") return null;
    return Buffer.from(file.content, "base64").toString("utf8");
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/** Languages, tree and manifests of a repository the user owns. A bad manifest is skipped with its reason, never fatal. */
export async function collectOwnedRepo(octokit: ProbotOctokit, listing: RepoListing, log: Logger): Promise<RepoSnapshot> {
  const branch = listing.default_branch ?? "HEAD";
  const [languages, tree] = await Promise.all([getLanguages(octokit, listing.full_name), getTree(octokit, listing.full_name, branch)]);
  const snapshot: RepoSnapshot = {
    fullName: listing.full_name,
    owned: true,
    activityAt: new Date(listing.pushed_at ?? 0),
    description: listing.description,
    topics: listing.topics ?? [],
    languages,
    manifests: [],
    files: tree.map((entry) => entry.path),
    skipped: [],
  };
  const skip = (path: string, reason: string) => {
    snapshot.skipped.push({ path, reason });
    log.info({ repo: listing.full_name, path, reason }, "manifest skipped");
  };
  const manifests = findManifests(tree, PROFILE_LIMITS.manifestsPerRepo);
  await mapLimit(manifests, 4, async (entry) => {
    if ((entry.size ?? 0) > PROFILE_LIMITS.manifestBytes) return skip(entry.path, `larger than ${PROFILE_LIMITS.manifestBytes} bytes`);
    const text = await getFileText(octokit, listing.full_name, entry.path, branch);
    if (text === null) return skip(entry.path, "not readable through the contents API");
    try {
      const parsed = manifestParser(entry.path)!(text, entry.path);
      let dependencies = parsed.dependencies;
      if (dependencies.length > PROFILE_LIMITS.dependenciesPerManifest) {
        skip(entry.path, `${dependencies.length} dependencies; only the first ${PROFILE_LIMITS.dependenciesPerManifest} were read`);
        dependencies = dependencies.slice(0, PROFILE_LIMITS.dependenciesPerManifest);
      }
      snapshot.manifests.push({ path: entry.path, ecosystem: parsed.ecosystem, dependencies });
    } catch (error) {
      if (!(error instanceof ManifestParseError)) throw error;
      skip(entry.path, error.message);
    }
  });
  snapshot.manifests.sort((a, b) => a.path.localeCompare(b.path));
  return snapshot;
}

/** Only the languages of a repository the user contributed to: their pull requests, not its whole stack, are theirs. */
export async function collectContributedRepo(octokit: ProbotOctokit, fullName: string, mergedAt: Date): Promise<RepoSnapshot> {
  return {
    fullName,
    owned: false,
    activityAt: mergedAt,
    description: null,
    topics: [],
    languages: await getLanguages(octokit, fullName),
    manifests: [],
    files: [],
    skipped: [],
  };
}
