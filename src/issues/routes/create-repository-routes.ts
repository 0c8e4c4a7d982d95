import { Router } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import { apiRoutes } from "../../http/api-spec.js";
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

const trackedSchema = z.looseObject({ fullName: z.string(), status: z.string(), keptFreshBy: z.enum(["webhooks", "crawler"]) });

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

  const route = apiRoutes(router, { admin });
  const tags = ["repositories"];

  route(
    {
      method: "get",
      path: "/repos",
      summary: "Tracked repositories, how they are kept fresh and their health",
      tags,
      access: "public",
      query: listQuery,
      responses: {
        200: {
          description: "one page, by tracking order",
          schema: z.looseObject({
            repositories: z.array(z.looseObject({ fullName: z.string(), status: z.string(), source: z.string(), error: z.string().nullable(), health: z.number().nullable() })),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (_req, res, { query }) => {
      const { limit, after } = query;
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
    },
  );

  route(
    {
      method: "post",
      path: "/repos/track",
      summary: "Track a repository; the crawler keeps it fresh unless the app is installed on it",
      tags,
      access: "admin",
      body: trackBody,
      responses: { 200: { description: "already tracked", schema: trackedSchema }, 201: { description: "now tracked", schema: trackedSchema } },
    },
    async (_req, res, { body }) => {
      const { fullName } = body;
      const { tracked, created } = await trackRepository(knex, fullName, "api");
      const repository = await getRepositoryByFullName(knex, fullName);
      const installed = repository !== null && repository.installationId !== null && repository.deletedAt === null;
      if (!installed && tracked.status !== "vanished") {
        await queue.add<CrawlRepositoryJobData>(ISSUE_JOBS.crawlRepository, { trackedId: tracked.id }, { jobId: `crawl-tracked-${tracked.id}`, lane: "requested" });
      }
      res.status(created ? 201 : 200).json({
        fullName: tracked.fullName,
        status: tracked.status,
        keptFreshBy: installed ? "webhooks" : "crawler",
      });
    },
  );

  route(
    { method: "delete", path: "/repos/track/:owner/:name", summary: "Stop tracking a repository", tags, access: "admin", params: ownerAndName, responses: { 204: { description: "no longer tracked" } }, errors: { 404: "not tracked" } },
    async (_req, res, { params }) => {
      const { owner, name } = params;
      if (!(await untrackRepository(knex, `${owner}/${name}`))) throw notFound(`${owner}/${name} is not tracked`);
      res.status(204).end();
    },
  );

  route(
    {
      method: "get",
      path: "/repos/:owner/:name",
      summary: "One repository: its public facts, tracking, health, backfill and crawl state",
      tags,
      access: "public",
      params: ownerAndName,
      responses: {
        200: {
          description: "the repository",
          schema: z.looseObject({
            repository: z.looseObject({ id: z.number(), fullName: z.string(), trackedVia: z.enum(["installation", "crawler"]) }).nullable(),
            tracked: z.looseObject({ status: z.string(), source: z.string() }).nullable(),
            health: z.looseObject({}).nullable(),
            backfill: z.looseObject({}).nullable(),
            crawl: z.looseObject({}).nullable(),
          }),
        },
      },
      errors: { 404: "not in the index" },
    },
    async (_req, res, { params }) => {
      const { owner, name } = params;
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
    },
  );

  route(
    {
      method: "post",
      path: "/repos/:owner/:name/backfill",
      summary: "Backfill an installed repository's issues again",
      tags,
      access: "admin",
      params: ownerAndName,
      responses: { 202: { description: "queued", schema: z.looseObject({ backfill: z.looseObject({}).nullable() }) } },
      errors: { 404: "not in the index", 409: "not installed: the crawler keeps it fresh" },
    },
    async (_req, res, { params }) => {
      const { owner, name } = params;
      const repository = await getRepositoryByFullName(knex, `${owner}/${name}`);
      if (!repository || repository.deletedAt) throw notFound(`${owner}/${name} is not in the index`);
      if (repository.installationId === null) {
        throw new HttpError(409, "not_installed", `${owner}/${name} is not installed; track it and the crawler keeps it fresh`);
      }
      await queueSync(knex, repository.id);
      await enqueueBackfill(queue, repository.id, { key: `manual-${Date.now()}` });
      res.status(202).json({ backfill: await getSyncProgress(knex, repository.id) });
    },
  );

  route(
    { method: "get", path: "/index/syncs", summary: "Backfill progress of every repository", tags, access: "admin", responses: { 200: { description: "the latest syncs", schema: z.looseObject({ syncs: z.array(z.looseObject({})) }) } } },
    async (_req, res) => {
      res.json({ syncs: await listSyncProgress(knex, { limit: 100 }) });
    },
  );

  return router;
}
