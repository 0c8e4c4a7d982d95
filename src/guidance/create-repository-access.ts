import type { GithubClients } from "../github/create-github-clients.js";

export type Permission = "admin" | "write" | "read" | "none";

export interface RepositoryRef {
  fullName: string;
  installationId: number | null;
  isPrivate: boolean;
}

/**
 * Who may see what: a private repository's deep dive only for its collaborators, reports only for
 * those who can push. Asked of GitHub with the installation's token and remembered for a few
 * minutes, so a page that polls does not ask on every request.
 */
export function createRepositoryAccess(github: GithubClients, ttlMs = 5 * 60_000) {
  const cache = new Map<string, { permission: Permission; until: number }>();

  async function permission(repo: RepositoryRef, login: string): Promise<Permission> {
    if (repo.installationId === null || !github.probot) return "none";
    const key = `${repo.fullName.toLowerCase()}|${login.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.permission;
    const [owner, name] = repo.fullName.split("/") as [string, string];
    let value: Permission;
    try {
      const octokit = await github.forInstallation(repo.installationId);
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { owner, repo: name, username: login });
      value = (["admin", "write", "read"] as const).find((p) => p === data.permission) ?? "none";
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
      value = "none";
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { permission: value, until: Date.now() + ttlMs });
    return value;
  }

  return {
    async canRead(repo: RepositoryRef, login: string | undefined): Promise<boolean> {
      if (!repo.isPrivate) return true;
      return login !== undefined && (await permission(repo, login)) !== "none";
    },
    async isMaintainer(repo: RepositoryRef, login: string): Promise<boolean> {
      const p = await permission(repo, login);
      return p === "admin" || p === "write";
    },
  };
}

export type RepositoryAccess = ReturnType<typeof createRepositoryAccess>;
