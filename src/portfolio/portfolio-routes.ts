import { Router, type Request } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import type { GithubClients } from "../github/create-github-clients.js";
import { offsetPage, timestamp } from "../http/api-schemas.js";
import { apiRoutes } from "../http/api-spec.js";
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
const exportQuery = z.object({ format: z.enum(["json", "csv"]).default("json") });
const addBody = z.object({ url: z.string().trim().min(1).max(500) }).strict();
const usernameParam = z.object({ username: z.string().describe("a GitHub login") });

const contributionSchema = z.looseObject({
  id: z.number(),
  repository: z.string(),
  number: z.number(),
  title: z.string(),
  url: z.string(),
  mergedAt: timestamp,
  languages: z.record(z.string(), z.number()),
  skillTags: z.array(z.string()),
  private: z.boolean(),
  enriched: z.boolean(),
});
const portfolioSchema = z.looseObject({
  user: z.looseObject({ login: z.string(), name: z.string().nullable(), avatarUrl: z.string().nullable(), bio: z.string().nullable(), publicPortfolio: z.boolean() }),
  stats: z.looseObject({
    totals: z.looseObject({ pullRequests: z.number(), repositories: z.number(), lines: z.number() }),
    streaks: z.looseObject({ currentWeeks: z.number(), longestWeeks: z.number() }),
    timeZone: z.string(),
  }),
  contributions: z.array(contributionSchema),
  page: offsetPage,
});
const addedSchema = z.looseObject({ created: z.boolean(), contribution: contributionSchema.nullable() });

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

  const route = apiRoutes(router, { user: deps.auth.requireUser });
  const tags = ["portfolio"];

  route(
    { method: "get", path: "/portfolio/me", summary: "The user's whole portfolio, private contributions included", tags, access: "user", query: listQuery, responses: { 200: { description: "the portfolio", schema: portfolioSchema } } },
    async (req, res) => {
      res.setHeader("Cache-Control", "private, no-store");
      res.json(await portfolio(await me(req), false, req.query));
    },
  );

  route(
    {
      method: "get",
      path: "/portfolio/me/export",
      summary: "Download every contribution as a JSON or CSV attachment",
      tags,
      access: "user",
      query: exportQuery,
      responses: { 200: { description: "an attachment: JSON with format=json (the default), CSV with format=csv", contentType: "text/csv" } },
    },
    async (req, res, { query }) => {
      await streamExport(res, knex, await me(req), query.format, deps.now());
    },
  );

  route(
    {
      method: "post",
      path: "/portfolio/contributions",
      summary: "Add a merged pull request by URL; GitHub confirms the user authored it",
      tags,
      access: "user",
      body: addBody,
      responses: {
        200: { description: "already in the portfolio", schema: addedSchema },
        201: { description: "added", schema: addedSchema },
      },
      errors: { 404: "no such pull request", 409: "not merged, or not authored by the user" },
    },
    async (req, res, { body }) => {
      const { url } = body;
      const owner = await me(req);
      const token = await deps.getUserToken(owner.userId);
      const result = await addManualContribution({ knex, queue: deps.queue, github: deps.github, token, owner, url });
      const stored = await getContribution(knex, result.id);
      res.status(result.created ? 201 : 200).json({ created: result.created, contribution: stored ? contributionJson(stored) : null });
    },
  );

  route(
    {
      method: "get",
      path: "/portfolio/:username/widget",
      summary: "An embeddable SVG card of a public portfolio; bad options answer with an SVG that says so",
      tags,
      access: "public",
      params: usernameParam,
      // The widget service reads its own options and answers errors as images, not JSON.
      query: z.record(z.string(), z.unknown()),
      responses: { 200: { description: "the card", contentType: "image/svg+xml" }, 304: { description: "unchanged since the ETag given" } },
    },
    async (req, res) => {
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
    },
  );

  route(
    {
      method: "get",
      path: "/portfolio/:username",
      summary: "A public portfolio: public contributions and their stats",
      tags,
      access: "public",
      params: usernameParam,
      query: listQuery,
      responses: { 200: { description: "the portfolio", schema: portfolioSchema } },
      errors: { 400: "not a GitHub login", 404: "no public portfolio for that login" },
    },
    async (req, res, { params }) => {
      const username = githubLoginParam(params.username);
      const owner = await findOwnerByLogin(knex, username);
      if (!owner || !owner.publicPortfolio) throw new HttpError(404, "portfolio_not_found", `No public portfolio for ${username}`);
      res.setHeader("Cache-Control", "public, max-age=300");
      res.json(await portfolio(owner, true, req.query));
    },
  );

  return router;
}
