import { Router, type RequestHandler } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import { CONFIG_PATH, DEFAULT_CONFIG } from "../../guidance/bot/load-illuminate-config.js";
import { listRepositoryReports } from "../../guidance/report-store.js";
import { apiRoutes } from "../../http/api-spec.js";
import { HttpError, notFound } from "../../http/http-error.js";
import { getLatestHealth } from "../health/health-store.js";
import { ownerAndName } from "../routes/repository-name.js";
import { getCrawlCursor } from "../store/crawl-cursor-store.js";
import { getRepositoryByFullName } from "../store/repository-store.js";
import { getSyncProgress } from "../store/sync-progress-store.js";
import type { MaintainerAccess } from "./maintainer-access.js";
import { countReports, getBotCommentStatus, getIssueSupply, getResponseTimes, listHealthTrend, NEWCOMER_ASSOCIATIONS } from "./maintainer-store.js";

export const maintainerRepositoryParams = ownerAndName;
export const maintainerRepositoryQuery = z
  .object({
    /** how far back the trend and the response times look */
    days: z.coerce.number().int().min(7).max(365).default(90),
    /** how many issues each list shows */
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();
export const maintainerInstallationsQuery = z.object({}).strict();

const DAY_MS = 86_400_000;

/**
 * The maintainer view: GET /maintainers/installations (what the signed-in user maintains) and
 * GET /maintainers/repositories/:owner/:name (one repository's figures for its maintainers).
 */
export function createMaintainerRoutes(options: { knex: Knex; access: MaintainerAccess; requireUser: RequestHandler; now: () => Date }): Router {
  const { knex, access, requireUser } = options;
  const router = Router();
  const route = apiRoutes(router, { user: requireUser });
  const tags = ["maintainers"];

  route(
    {
      method: "get",
      path: "/maintainers/installations",
      summary: "The installations and repositories the signed-in user maintains",
      tags,
      access: "user",
      query: maintainerInstallationsQuery,
      responses: {
        200: {
          description: "installations with their repositories",
          schema: z.looseObject({ installations: z.array(z.looseObject({ id: z.number(), account: z.string(), accountType: z.string(), suspended: z.boolean(), repositories: z.array(z.looseObject({ fullName: z.string() })) })) }),
        },
      },
    },
    async (req, res) => {
    maintainerInstallationsQuery.parse(req.query);
    const repositories = await access.listRepositories(req.user!.login);
    const ids = repositories.map((r) => r.id);
    const rows: Array<Record<string, unknown>> = ids.length
      ? await knex("repositories as r")
          .join("installations as inst", "inst.id", "r.installation_id")
          .leftJoin("repository_syncs as s", "s.repository_id", "r.id")
          .whereIn("r.id", ids)
          .select(
            "r.id", "r.owner", "r.name", "r.full_name", "r.is_archived", "r.is_private", "r.installation_id",
            "inst.account_login", "inst.account_type", "inst.suspended_at", "s.status as backfill_status",
            knex.raw("(select h.score from repo_health_snapshots h where h.repository_id = r.id order by h.computed_at desc limit 1) as health"),
            knex.raw("(select count(*) from issues i where i.repository_id = r.id and i.state = 'open' and i.deleted_at is null) as open_issues"),
          )
      : [];
    const reasonOf = new Map(repositories.map((r) => [r.id, r.reason]));
    const installations = new Map<number, { id: number; account: string; accountType: string; suspended: boolean; repositories: unknown[] }>();
    for (const row of rows.sort((a, b) => String(a.full_name).localeCompare(String(b.full_name)))) {
      const installationId = Number(row.installation_id);
      let installation = installations.get(installationId);
      if (!installation) {
        installation = { id: installationId, account: row.account_login as string, accountType: row.account_type as string, suspended: row.suspended_at !== null, repositories: [] };
        installations.set(installationId, installation);
      }
      installation.repositories.push({
        owner: row.owner,
        name: row.name,
        fullName: row.full_name,
        archived: row.is_archived,
        private: row.is_private,
        health: row.health === null ? null : Number(row.health),
        openIssues: Number(row.open_issues),
        backfill: (row.backfill_status as string | null) ?? null,
        access: reasonOf.get(Number(row.id)),
      });
    }
    res.json({ installations: [...installations.values()].sort((a, b) => a.account.localeCompare(b.account)) });
  });

  route(
    {
      method: "get",
      path: "/maintainers/repositories/:owner/:name",
      summary: "One installed repository's figures for its maintainers: health trend, response times, issue supply, bot, reports",
      tags,
      access: "user",
      params: maintainerRepositoryParams,
      query: maintainerRepositoryQuery,
      responses: {
        200: {
          description: "the maintainer view",
          schema: z.looseObject({
            repository: z.looseObject({ owner: z.string(), name: z.string(), fullName: z.string() }),
            window: z.looseObject({ days: z.number(), since: z.string() }),
            health: z.looseObject({}),
            responseTimes: z.looseObject({}),
            supply: z.looseObject({}),
            bot: z.looseObject({}),
            reports: z.looseObject({}),
          }),
        },
      },
      errors: { 403: "the user does not maintain the repository", 404: "not an installed repository" },
    },
    async (req, res) => {
    const { owner, name } = maintainerRepositoryParams.parse(req.params);
    const { days, limit } = maintainerRepositoryQuery.parse(req.query);
    const repository = await getRepositoryByFullName(knex, `${owner}/${name}`);
    if (!repository || repository.deletedAt || repository.installationId === null) {
      throw notFound(`${owner}/${name} is not an installed repository`, "repository_not_found");
    }
    const installation: { account_login: string } | undefined = await knex("installations").where({ id: repository.installationId }).first("account_login");
    if (!installation) throw notFound(`${owner}/${name} is not an installed repository`, "repository_not_found");
    const reason = await access.reason(
      { id: repository.id, installationId: repository.installationId, fullName: repository.fullName, accountLogin: installation.account_login },
      req.user!.login,
    );
    if (!reason) throw new HttpError(403, "not_a_maintainer", `Only maintainers of ${repository.fullName} see its maintainer view`);

    const now = options.now();
    const since = new Date(now.getTime() - days * DAY_MS);
    const [latest, trend, responseTimes, supply, bot, reportCounts, reports, backfill, crawl] = await Promise.all([
      getLatestHealth(knex, repository.id),
      listHealthTrend(knex, repository.id, since),
      getResponseTimes(knex, repository.id, since),
      getIssueSupply(knex, repository.id, limit),
      getBotCommentStatus(knex, repository.id, repository.installationId),
      countReports(knex, repository.id),
      listRepositoryReports(knex, repository.id, { includeResolved: false, limit }),
      getSyncProgress(knex, repository.id),
      getCrawlCursor(knex, repository.id),
    ]);
    res.json({
      repository: {
        owner: repository.owner,
        name: repository.name,
        fullName: repository.fullName,
        archived: repository.isArchived,
        private: repository.isPrivate,
        defaultBranch: repository.defaultBranch,
      },
      access: reason,
      window: { days, since: since.toISOString() },
      health: { latest, trend },
      responseTimes: {
        basis: `issues opened in the last ${days} days by non-maintainers; newcomers are authors GitHub marks ${NEWCOMER_ASSOCIATIONS.join(", ")}`,
        ...responseTimes,
      },
      supply,
      bot: {
        ...bot,
        // The bot reads .github/illuminate.yml when it is about to comment and does not keep it.
        config: { path: CONFIG_PATH, stored: false, defaults: { enabled: DEFAULT_CONFIG.enabled, labels: DEFAULT_CONFIG.labels } },
      },
      reports: { ...reportCounts, recent: reports },
      backfill,
      crawl,
    });
  });

  return router;
}
