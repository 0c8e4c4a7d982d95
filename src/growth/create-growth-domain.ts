import { Router } from "express";
import type { Domain, DomainContext } from "../domain.js";
import { githubLoginParam } from "../github/github-login.js";
import { z } from "zod";
import { timestamp } from "../http/api-schemas.js";
import { apiRoutes } from "../http/api-spec.js";
import { HttpError } from "../http/http-error.js";
import type { MatchingService } from "../matching/matching-service.js";
import type { EnrichedContribution } from "../portfolio/enrich-contribution.js";
import type { PortfolioService } from "../portfolio/portfolio-service.js";
import type { AuthMiddleware } from "../users/index.js";
import { createGrowthRoutes, reflectionJson } from "./growth-routes.js";
import { recordGrowth } from "./recompute-growth.js";
import { listReflections } from "./reflection-store.js";

export interface GrowthDeps {
  users: { auth: AuthMiddleware };
  portfolio: PortfolioService;
  matching: MatchingService;
}

/** A reflection the user chose to show on their public portfolio. */
export interface PublicReflection {
  id: number;
  learned: string | null;
  hard: string | null;
  next: string | null;
  createdAt: string;
  /** the public contribution it is about; null for none, or for a private one */
  contribution: { id: number; title: string; url: string; repository: string; mergedAt: string } | null;
}

export interface GrowthDomain extends Domain {
  /** Subscribe to the portfolio's enrichment: recomputes level and radar for the author. Idempotent. */
  onContributionEnriched(event: EnrichedContribution): Promise<void>;
  /** Public reflections, newest first, for the public portfolio. Text is plain: render it escaped. */
  listPublicReflections(userId: number, limit?: number): Promise<PublicReflection[]>;
}

/** Levels, the skill radar, reflections and next steps, all worked out from merged contributions. */
export function createGrowthDomain(context: DomainContext, deps: GrowthDeps): GrowthDomain {
  const { db, now } = context;
  const log = context.log.child({ domain: "growth" });
  const engine = { db, now, portfolio: deps.portfolio, matching: deps.matching };
  const api = Router();
  api.use(createGrowthRoutes({ ...engine, auth: deps.users.auth }));
  // Public, like the portfolio it belongs on: only for a public portfolio, only public reflections.
  apiRoutes(api)(
    {
      method: "get",
      path: "/growth/u/:username/reflections",
      summary: "A public portfolio's public reflections",
      tags: ["growth"],
      access: "public",
      params: z.object({ username: z.string().describe("a GitHub login") }),
      responses: {
        200: {
          description: "up to ten reflections, newest first",
          schema: z.looseObject({
            reflections: z.array(
              z.looseObject({ id: z.number(), learned: z.string().nullable(), hard: z.string().nullable(), next: z.string().nullable(), createdAt: timestamp, contribution: z.looseObject({}).nullable() }),
            ),
          }),
        },
      },
      errors: { 400: "not a GitHub login", 404: "no public portfolio for that login" },
    },
    async (_req, res, { params }) => {
      const username = githubLoginParam(params.username);
      const owner = await deps.portfolio.publicOwnerByLogin(username);
      if (!owner) throw new HttpError(404, "portfolio_not_found", `No public portfolio for ${username}`);
      res.setHeader("Cache-Control", "public, max-age=300");
      res.json({ reflections: await domain.listPublicReflections(owner.userId, 10) });
    },
  );
  const domain: GrowthDomain = {
    name: "growth",
    api,
    async onContributionEnriched(event) {
      const owner = event.userId !== null ? await deps.portfolio.ownerById(event.userId) : await deps.portfolio.ownerByGithubId(event.authorGithubId);
      // Contributions belong to the author's GitHub id: no signed-up user, nothing to grow yet.
      if (!owner || owner.githubId !== event.authorGithubId) return;
      const { state, recorded } = await recordGrowth(engine, owner.userId, event.contributionId);
      if (recorded.level || recorded.radar) log.debug({ userId: owner.userId, level: state.level.level, points: state.level.points }, "growth recorded");
    },
    async listPublicReflections(userId, limit = 10) {
      const [{ items }, contributions] = await Promise.all([
        listReflections(db.knex, userId, { limit: Math.max(1, Math.min(100, limit)), publicOnly: true }),
        deps.portfolio.contributionsOf(userId),
      ]);
      const publicOnes = new Map(contributions.filter((c) => !c.isPrivate).map((c) => [c.id, c]));
      return items.map((r) => {
        const { contribution } = reflectionJson(r, publicOnes);
        return {
          id: r.id,
          learned: r.learned,
          hard: r.hard,
          next: r.next,
          createdAt: r.createdAt.toISOString(),
          contribution: contribution ? { id: contribution.id, title: contribution.title, url: contribution.url, repository: contribution.repository, mergedAt: contribution.mergedAt } : null,
        };
      });
    },
  };
  return domain;
}
