import type { ProbotOctokit } from "probot";

export interface TreeEntry {
  path: string;
  type: "blob" | "tree";
  size: number | null;
}

export interface RepoTree {
  entries: TreeEntry[];
  /** GitHub cut the recursive listing short (very large repositories) */
  truncated: boolean;
}

export interface RepoFile {
  path: string;
  /** blob sha: what changes when the file does */
  sha: string;
  size: number;
  text: string;
}

export type FileRead = { ok: true; file: RepoFile } | { ok: false; path: string; reason: "missing" | "binary" | "too_large" | "not_a_file" };

export interface IssueComment {
  id: number;
  login: string;
  isBot: boolean;
  association: string;
  body: string;
  createdAt: string;
}

export interface PullRequestSummary {
  number: number;
  title: string;
  state: string;
  merged: boolean;
  author: string | null;
}

/** The reads the context assembler makes, each bounded, on one repository. */
export interface RepositoryReader {
  getTree(ref: string): Promise<RepoTree | null>;
  getReadme(maxBytes: number): Promise<FileRead>;
  getFile(path: string, maxBytes: number): Promise<FileRead>;
  listIssueComments(issueNumber: number): Promise<IssueComment[]>;
  getPullRequest(number: number): Promise<PullRequestSummary | null>;
  getLanguages(): Promise<Record<string, number>>;
}

const BINARY_EXTENSIONS = /\.(png|jpe?g|gif|bmp|ico|webp|avif|pdf|zip|gz|tgz|bz2|xz|7z|rar|jar|war|class|exe|dll|so|dylib|a|o|wasm|woff2?|ttf|otf|eot|mp[34]|mov|avi|webm|ogg|wav|flac|psd|sqlite|db|bin|pyc|node)$/i;

/** A file is treated as text when it has no NUL byte and is valid UTF-8 for the most part. */
export function looksBinary(path: string, bytes: Buffer): boolean {
  if (BINARY_EXTENSIONS.test(path)) return true;
  const sample = bytes.subarray(0, 8_000);
  if (sample.includes(0)) return true;
  const replacement = (sample.toString("utf8").match(/\uFFFD/g) ?? []).length;
  return replacement > sample.length / 100;
}

const status = (error: unknown) => (error as { status?: number }).status;

/** Slashes stay slashes (a `{path}` parameter would become %2F); each segment is escaped. */
export const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");

export function createRepositoryReader(octokit: ProbotOctokit, owner: string, repo: string): RepositoryReader {
  const decode = (path: string, data: { sha: string; size: number; content?: string; encoding?: string; type?: string }, maxBytes: number): FileRead => {
    if (data.type && data.type !== "file") return { ok: false, path, reason: "not_a_file" };
    if (data.size > maxBytes) return { ok: false, path, reason: "too_large" };
    // The contents API leaves `content` empty for files over 1 MB; the size check above covers it.
    const bytes = Buffer.from(data.content ?? "", data.encoding === "base64" ? "base64" : "utf8");
    if (looksBinary(path, bytes)) return { ok: false, path, reason: "binary" };
    return { ok: true, file: { path, sha: data.sha, size: data.size, text: bytes.toString("utf8") } };
  };

  return {
    async getTree(ref) {
      try {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", {
          owner, repo, tree_sha: ref, recursive: "1",
        });
        const entries: TreeEntry[] = [];
        for (const e of data.tree) {
          if (!e.path || (e.type !== "blob" && e.type !== "tree")) continue;
          entries.push({ path: e.path, type: e.type, size: typeof e.size === "number" ? e.size : null });
        }
        return { entries, truncated: Boolean(data.truncated) };
      } catch (error) {
        // 409: an empty repository has no tree at all.
        if (status(error) === 404 || status(error) === 409) return null;
        throw error;
      }
    },

    async getReadme(maxBytes) {
      try {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/readme", { owner, repo });
        return decode(data.path, data, maxBytes);
      } catch (error) {
        if (status(error) === 404) return { ok: false, path: "README", reason: "missing" };
        throw error;
      }
    },

    async getFile(path, maxBytes) {
      try {
        const { data } = await octokit.request(`GET /repos/{owner}/{repo}/contents/${encodePath(path)}`, { owner, repo });
        if (Array.isArray(data)) return { ok: false, path, reason: "not_a_file" };
        return decode(path, data as { sha: string; size: number; content?: string; encoding?: string; type?: string }, maxBytes);
      } catch (error) {
        if (status(error) === 404) return { ok: false, path, reason: "missing" };
        throw error;
      }
    },

    async listIssueComments(issueNumber) {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner, repo, issue_number: issueNumber, per_page: 100,
      });
      return data.map((c) => ({
        id: Number(c.id),
        login: c.user?.login ?? "ghost",
        isBot: c.user?.type === "Bot",
        association: c.author_association ?? "NONE",
        body: c.body ?? "",
        createdAt: c.created_at,
      }));
    },

    async getPullRequest(number) {
      try {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner, repo, pull_number: number });
        return { number: data.number, title: data.title, state: data.state, merged: Boolean(data.merged), author: data.user?.login ?? null };
      } catch (error) {
        if (status(error) === 404) return null;
        throw error;
      }
    },

    async getLanguages() {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/languages", { owner, repo });
      return data;
    },
  };
}
