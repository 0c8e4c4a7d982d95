import { Router, type Request } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import type { GithubClients } from "../github/create-github-clients.js";
import { HttpError } from "../http/http-error.js";
import type { Queue } from "../queue/types.js";
import type { AuthMiddleware } from "../users/index.js";
import { addManualContribution } from "./add-manual-contribution.js";
import { computeStats } from "./compute-stats.js";
import { getContribution, listContributions } from "./contribution-store.js";
import { streamExport } from "./export-contributions.js";
import { githubLoginParam } from "../github/github-login.js";
import { contributionJson } from "./contribution-json.js";
import { findOwnerById, findOwnerByLogin, type PortfolioOwner } from "./portfolio-owners.js";
import type { createWidgetService } from "./widget/widget-service.js";

export interface PortfolioRouteDeps {
  knex: Knex;
  queue: Queue;
  github: GithubClients;
  auth: AuthMiddleware;
  getUserToken: (userId: number) => Promise<string>;
  timeZoneOf: (userId: number) => Promise<string | null>;
  widget: ReturnType<typeof createWidgetService>;
  now: () => Date;
}

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});


export function createPortfolioRoutes(deps: PortfolioRouteDeps): Router {
  const router = Router();
  const { knex } = deps;

  async function me(req: Request): Promise<PortfolioOwner> {
    const owner = await findOwnerById(knex, req.user!.id);
    if (!owner) throw new HttpError(401, "unauthenticated", "Your account no longer exists: sign in again");
    return owner;
  }

  async function portfolio(owner: PortfolioOwner, publicOnly: boolean, query: unknown) {
    const { limit, offset } = listQuery.parse(query);
    const all = await listContributions(knex, owner, { publicOnly });
    const stats = computeStats(all, { timeZone: await deps.timeZoneOf(owner.userId), now: deps.now() });
    return {
      user: { login: owner.login, name: owner.name, avatarUrl: owner.avatarUrl, bio: owner.bio, publicPortfolio: owner.publicPortfolio },
      stats,
      contributions: all.slice(offset, offset + limit).map(contributionJson),
      page: { limit, offset, total: all.length },
    };
  }

  router.get("/portfolio/me", deps.auth.requireUser, async (req, res) => {
    res.setHeader("Cache-Control", "private, no-store");
    res.json(await portfolio(await me(req), false, req.query));
  });

  router.get("/portfolio/me/export", deps.auth.requireUser, async (req, res) => {
    const { format } = z.object({ format: z.enum(["json", "csv"]).default("json") }).parse(req.query);
    await streamExport(res, knex, await me(req), format, deps.now());
  });

  router.post("/portfolio/contributions", deps.auth.requireUser, async (req, res) => {
    const { url } = z.object({ url: z.string().trim().min(1).max(500) }).strict().parse(req.body ?? {});
    const owner = await me(req);
    const token = await deps.getUserToken(owner.userId);
    const result = await addManualContribution({ knex, queue: deps.queue, github: deps.github, token, owner, url });
    const stored = await getContribution(knex, result.id);
    res.status(result.created ? 201 : 200).json({ created: result.created, contribution: stored ? contributionJson(stored) : null });
  });

  router.get("/portfolio/:username/widget", async (req, res) => {
    const answer = await deps.widget(String(req.params.username), req.query as Record<string, unknown>);
    res.setHeader("Content-Type", "image/svg+xml; charset=utf-8");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    res.setHeader("Cache-Control", answer.cacheControl);
    res.setHeader("ETag", answer.etag);
    const match = req.headers["if-none-match"];
    if (answer.status === 200 && match && match.split(",").some((t) => t.trim().replace(/^W\//, "") === answer.etag)) {
      res.status(304).end();
      return;
    }
    res.status(answer.status).send(answer.svg);
  });

  router.get("/portfolio/:username", async (req, res) => {
    const username = githubLoginParam(req.params.username);
    const owner = await findOwnerByLogin(knex, username);
    if (!owner || !owner.publicPortfolio) throw new HttpError(404, "portfolio_not_found", `No public portfolio for ${username}`);
    res.setHeader("Cache-Control", "public, max-age=300");
    res.json(await portfolio(owner, true, req.query));
  });

  return router;
}
