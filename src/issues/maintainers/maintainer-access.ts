import type { Knex } from "knex";
import type { GithubClients } from "../../github/create-github-clients.js";

/** How a signed-in user came to maintain a repository, as the maintainer API reports it. */
export type MaintainerReason = "account" | "push_access" | "development";

export interface MaintainedRepositoryRef {
  id: number;
  installationId: number;
  fullName: string;
  accountLogin: string;
}

const PUSH_ROLES = new Set(["admin", "maintain", "write"]);
/** Associations GitHub records on issues and comments that can hint at push access (confirmed with GitHub). */
const ASSOCIATION_HINTS = ["OWNER", "MEMBER", "COLLABORATOR"];
/** At most this many repositories are confirmed with GitHub for one listing. */
const MAX_CONFIRMATIONS = 20;

/**
 * Who maintains what (docs/maintainers.md): the account an installation belongs to maintains all
 * of its repositories; anyone else, a repository GitHub says they may push to (role admin,
 * maintain or write, asked with the installation's token and remembered for a few minutes).
 * `openInDevelopment` shows every installation, as operator endpoints are open on a laptop
 * without ADMIN_TOKEN; it is never set in production.
 */
export function createMaintainerAccess(options: { knex: Knex; github: GithubClients; openInDevelopment: boolean; ttlMs?: number }) {
  const { knex, github } = options;
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const cache = new Map<string, { push: boolean; until: number }>();

  async function canPush(repo: MaintainedRepositoryRef, login: string): Promise<boolean> {
    if (!github.probot) return false;
    const key = `${repo.id}|${login.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.push;
    const [owner, name] = repo.fullName.split("/") as [string, string];
    let push: boolean;
    try {
      const octokit = await github.forInstallation(repo.installationId);
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { owner, repo: name, username: login });
      const role = (data as { role_name?: string }).role_name ?? data.permission;
      push = PUSH_ROLES.has(role);
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
      push = false;
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { push, until: Date.now() + ttlMs });
    return push;
  }

  const ownsAccount = (repo: Pick<MaintainedRepositoryRef, "accountLogin">, login: string) => repo.accountLogin.toLowerCase() === login.toLowerCase();

  return {
    /** Why `login` maintains the repository, or null when they do not. */
    async reason(repo: MaintainedRepositoryRef, login: string): Promise<MaintainerReason | null> {
      if (options.openInDevelopment) return "development";
      if (ownsAccount(repo, login)) return "account";
      return (await canPush(repo, login)) ? "push_access" : null;
    },

    /**
     * The installed repositories `login` maintains: every repository of their own account's
     * installations, plus those where the index has seen them act as owner, member or
     * collaborator and GitHub confirms push access.
     */
    async listRepositories(login: string): Promise<Array<MaintainedRepositoryRef & { reason: MaintainerReason }>> {
      const base = () =>
        knex("repositories as r")
          .join("installations as inst", "inst.id", "r.installation_id")
          .whereNull("r.deleted_at")
          .whereNull("inst.deleted_at")
          .select("r.id", "r.installation_id", "r.full_name", "inst.account_login")
          .orderBy("r.full_name")
          .limit(500);
      const toRef = (row: Record<string, unknown>): MaintainedRepositoryRef => ({
        id: Number(row.id),
        installationId: Number(row.installation_id),
        fullName: row.full_name as string,
        accountLogin: row.account_login as string,
      });
      if (options.openInDevelopment) return (await base()).map((row) => ({ ...toRef(row), reason: "development" as const }));

      const owned = (await base().whereRaw("lower(inst.account_login) = lower(?)", [login])).map((row) => ({ ...toRef(row), reason: "account" as const }));
      const hinted: Array<Record<string, unknown>> = await base()
        .whereRaw("lower(inst.account_login) <> lower(?)", [login])
        .whereExists((q) =>
          q
            .select(knex.raw("1"))
            .from("issues as i")
            .whereRaw("i.repository_id = r.id")
            .andWhere((w) =>
              w
                .where((a) => a.whereRaw("lower(i.author_login) = lower(?)", [login]).whereIn("i.author_association", ASSOCIATION_HINTS))
                .orWhereExists((c) =>
                  c
                    .select(knex.raw("1"))
                    .from("issue_comments as c")
                    .whereRaw("c.issue_id = i.id")
                    .whereRaw("lower(c.author_login) = lower(?)", [login])
                    .whereIn("c.author_association", ASSOCIATION_HINTS),
                ),
            ),
        )
        .clearOrder()
        .orderBy("r.full_name")
        .limit(MAX_CONFIRMATIONS);
      const confirmed: Array<MaintainedRepositoryRef & { reason: MaintainerReason }> = [];
      for (const row of hinted) {
        const ref = toRef(row);
        if (await canPush(ref, login)) confirmed.push({ ...ref, reason: "push_access" });
      }
      return [...owned, ...confirmed].sort((a, b) => a.fullName.localeCompare(b.fullName));
    },
  };
}

export type MaintainerAccess = ReturnType<typeof createMaintainerAccess>;
