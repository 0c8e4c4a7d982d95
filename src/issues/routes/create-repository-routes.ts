import { Router } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import { HttpError, notFound } from "../../http/http-error.js";
import type { Queue } from "../../queue/types.js";
import { getLatestHealth } from "../health/health-store.js";
import { enqueueBackfill, ISSUE_JOBS, type CrawlRepositoryJobData } from "../issue-jobs.js";
import { getCrawlCursor } from "../store/crawl-cursor-store.js";
import { getRepositoryByFullName, type Repository } from "../store/repository-store.js";
import { getSyncProgress, listSyncProgress, queueSync } from "../store/sync-progress-store.js";
import { findTrackedRepository, listTrackedRepositories, trackRepository, untrackRepository } from "../store/tracked-repository-store.js";
import { ownerAndName, repositoryFullName } from "./repository-name.js";
import { requireAdmin } from "./require-admin.js";

const trackBody = z.object({ fullName: repositoryFullName }).strict();
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  after: z.coerce.number().int().min(0).optional(),
});

const publicRepository = (repo: Repository) => ({
  id: repo.id,
  fullName: repo.fullName,
  description: repo.description,
  language: repo.language,
  topics: repo.topics,
  stars: repo.stars,
  defaultBranch: repo.defaultBranch,
  archived: repo.isArchived,
  deleted: repo.deletedAt !== null,
  trackedVia: repo.installationId !== null ? "installation" : "crawler",
});

/**
 * Tracked repositories (GET /repos, POST /repos/track, DELETE /repos/track/:owner/:name), one
 * repository's state (GET /repos/:owner/:name), backfills (POST /repos/:owner/:name/backfill,
 * GET /index/syncs).
 */
export function createRepositoryRoutes(options: { knex: Knex; queue: Queue; adminToken?: string; production: boolean }): Router {
  const { knex, queue } = options;
  const admin = requireAdmin(options);
  const router = Router();

  router.get("/repos", async (req, res) => {
    const { limit, after } = listQuery.parse(req.query);
    const tracked = await listTrackedRepositories(knex, { limit, afterId: after });
    const repositories = await Promise.all(
      tracked.map(async (t) => ({
        fullName: t.fullName,
        status: t.status,
        source: t.source,
        error: t.error,
        lastCrawledAt: t.lastCrawledAt,
        trackedSince: t.createdAt,
        health: t.repositoryId ? ((await getLatestHealth(knex, t.repositoryId))?.score ?? null) : null,
      })),
    );
    res.json({ repositories, nextCursor: tracked.length === limit ? String(tracked.at(-1)!.id) : null });
  });

  router.post("/repos/track", admin, async (req, res) => {
    const { fullName } = trackBody.parse(req.body ?? {});
    const { tracked, created } = await trackRepository(knex, fullName, "api");
    const repository = await getRepositoryByFullName(knex, fullName);
    const installed = repository !== null && repository.installationId !== null && repository.deletedAt === null;
    if (!installed && tracked.status !== "vanished") {
      await queue.add<CrawlRepositoryJobData>(ISSUE_JOBS.crawlRepository, { trackedId: tracked.id }, { jobId: `crawl-tracked-${tracked.id}` });
    }
    res.status(created ? 201 : 200).json({
      fullName: tracked.fullName,
      status: tracked.status,
      keptFreshBy: installed ? "webhooks" : "crawler",
    });
  });

  router.delete("/repos/track/:owner/:name", admin, async (req, res) => {
    const { owner, name } = ownerAndName.parse(req.params);
    if (!(await untrackRepository(knex, `${owner}/${name}`))) throw notFound(`${owner}/${name} is not tracked`);
    res.status(204).end();
  });

  router.get("/repos/:owner/:name", async (req, res) => {
    const { owner, name } = ownerAndName.parse(req.params);
    const repository = await getRepositoryByFullName(knex, `${owner}/${name}`);
    const tracked = await findTrackedRepository(knex, `${owner}/${name}`);
    if ((!repository || repository.isPrivate) && !tracked) throw notFound(`${owner}/${name} is not in the index`);
    const visible = repository && !repository.isPrivate ? repository : null;
    res.json({
      repository: visible ? publicRepository(visible) : null,
      tracked: tracked ? { status: tracked.status, source: tracked.source, error: tracked.error, lastCrawledAt: tracked.lastCrawledAt } : null,
      health: visible ? await getLatestHealth(knex, visible.id) : null,
      backfill: visible ? await getSyncProgress(knex, visible.id) : null,
      crawl: visible ? await getCrawlCursor(knex, visible.id) : null,
    });
  });

  router.post("/repos/:owner/:name/backfill", admin, async (req, res) => {
    const { owner, name } = ownerAndName.parse(req.params);
    const repository = await getRepositoryByFullName(knex, `${owner}/${name}`);
    if (!repository || repository.deletedAt) throw notFound(`${owner}/${name} is not in the index`);
    if (repository.installationId === null) {
      throw new HttpError(409, "not_installed", `${owner}/${name} is not installed; track it and the crawler keeps it fresh`);
    }
    await queueSync(knex, repository.id);
    await enqueueBackfill(queue, repository.id, { key: `manual-${Date.now()}` });
    res.status(202).json({ backfill: await getSyncProgress(knex, repository.id) });
  });

  router.get("/index/syncs", admin, async (_req, res) => {
    res.json({ syncs: await listSyncProgress(knex, { limit: 100 }) });
  });

  return router;
}
