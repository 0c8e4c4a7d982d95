import { Router, type Request } from "express";
import { z } from "zod";
import type { Db } from "../db/types.js";
import { jsonObject, offsetPage, timestamp } from "../http/api-schemas.js";
import { apiRoutes } from "../http/api-spec.js";
import { HttpError } from "../http/http-error.js";
import type { MatchingService } from "../matching/matching-service.js";
import type { OwnedContribution, PortfolioService } from "../portfolio/portfolio-service.js";
import type { AuthMiddleware } from "../users/index.js";
import { listGrowthRecords, radarAt, type RadarSnapshot } from "./growth-store.js";
import { levelName } from "./levels.js";
import type { RadarScore } from "./radar.js";
import { recordGrowth, type GrowthEngineDeps } from "./recompute-growth.js";
import { createReflection, deleteReflection, listReflections, setReflectionVisibility, type Reflection } from "./reflection-store.js";
import { suggestNextSteps } from "./suggest-next-steps.js";

export interface GrowthRouteDeps extends GrowthEngineDeps {
  db: Db;
  auth: AuthMiddleware;
  portfolio: PortfolioService;
  matching: MatchingService;
}

export const REFLECTION_LIMITS = { fieldChars: 2_000 } as const;
export const RADAR_AXES = 8;
const DAY_MS = 86_400_000;
export const DEFAULT_PERIOD_DAYS = 90;

const field = z
  .string()
  .max(REFLECTION_LIMITS.fieldChars, `at most ${REFLECTION_LIMITS.fieldChars} characters`)
  .transform((v) => v.trim())
  .nullish()
  .transform((v) => (v ? v : null));

const reflectionBody = z
  .object({
    learned: field,
    hard: field,
    next: field,
    contributionId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullish(),
    isPublic: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.learned || r.hard || r.next, { message: "write at least one of learned, hard or next", path: ["learned"] });

const visibilityBody = z.object({ isPublic: z.boolean() }).strict();
const idParam = z.object({ id: z.string().regex(/^\d{1,15}$/, "expected a numeric id").transform(Number) });
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}).strict();

const instant = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((v) => new Date(v.length === 10 ? `${v}T23:59:59.999Z` : v));
const periodQuery = z.object({ from: instant.optional(), to: instant.optional() }).strict();

const snapshotSchema = z.looseObject({ recordedAt: timestamp, scores: z.array(z.looseObject({ skill: z.string(), score: z.number() })) }).nullable();
const radarSchema = z.looseObject({
  period: z.looseObject({ from: timestamp, to: timestamp }),
  current: snapshotSchema,
  previous: snapshotSchema,
  axes: z.array(z.looseObject({ skill: z.string(), kind: z.string(), current: z.number(), previous: z.number() })),
});
export const reflectionSchema = z.looseObject({
  id: z.number(),
  learned: z.string().nullable(),
  hard: z.string().nullable(),
  next: z.string().nullable(),
  isPublic: z.boolean(),
  contributionId: z.number().nullable(),
  contribution: z.looseObject({ id: z.number(), title: z.string(), url: z.string(), repository: z.string(), mergedAt: timestamp }).nullable(),
  createdAt: timestamp,
});

function userId(req: Request): number {
  if (!req.user) throw new HttpError(401, "unauthenticated", "Sign in with GitHub first");
  return req.user.id;
}

const contributionJson = (c: OwnedContribution | undefined) => (c ? { id: c.id, title: c.title, url: c.url, repository: c.repoFullName, mergedAt: c.mergedAt.toISOString(), private: c.isPrivate } : null);

export function reflectionJson(r: Reflection, contributions: Map<number, OwnedContribution>) {
  return {
    id: r.id,
    learned: r.learned,
    hard: r.hard,
    next: r.next,
    isPublic: r.isPublic,
    contributionId: r.contributionId,
    contribution: r.contributionId === null ? null : contributionJson(contributions.get(r.contributionId)),
    createdAt: r.createdAt.toISOString(),
  };
}

/** The current radar's strongest axes, with the earlier radar's score on each. */
export function radarComparison(current: RadarSnapshot | null, previous: RadarSnapshot | null) {
  const before = new Map((previous?.scores ?? []).map((s) => [s.skill, s.score]));
  const axes = (current?.scores ?? []).slice(0, RADAR_AXES).map((s: RadarScore) => ({ skill: s.skill, kind: s.kind, current: s.score, previous: before.get(s.skill) ?? 0 }));
  return {
    current: current ? { recordedAt: current.recordedAt.toISOString(), scores: current.scores } : null,
    previous: previous ? { recordedAt: previous.recordedAt.toISOString(), scores: previous.scores } : null,
    axes,
  };
}

/** /growth/me, /growth/radar, /growth/suggestions and /growth/reflections. */
export function createGrowthRoutes(deps: GrowthRouteDeps): Router {
  const router = Router();
  const knex = deps.db.knex;
  const byId = async (id: number) => new Map((await deps.portfolio.contributionsOf(id)).map((c) => [c.id, c]));

  async function radarFor(id: number, query: unknown) {
    const { from: fromQuery, to: toQuery } = periodQuery.parse(query);
    const to = toQuery ?? deps.now();
    const from = fromQuery ?? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
    if (from.getTime() >= to.getTime()) throw new HttpError(400, "invalid_period", "from must be before to");
    const [current, previous] = await Promise.all([radarAt(knex, id, to), radarAt(knex, id, from)]);
    return { period: { from: from.toISOString(), to: to.toISOString() }, ...radarComparison(current, previous) };
  }

  const route = apiRoutes(router, { user: deps.auth.requireUser });
  const tags = ["growth"];

  route(
    {
      method: "get",
      path: "/growth/me",
      summary: "Level, history, skill radar, streak, recent reflections and contributions",
      tags,
      access: "user",
      query: periodQuery,
      responses: {
        200: {
          description: "the growth page",
          schema: z.looseObject({
            level: z.looseObject({ level: z.number() }),
            totals: jsonObject,
            history: z.array(z.looseObject({ level: z.number(), name: z.string(), points: z.number(), recordedAt: timestamp })),
            radar: radarSchema,
            streak: z.looseObject({ currentWeeks: z.number(), longestWeeks: z.number() }),
            reflections: z.array(reflectionSchema),
            recentContributions: z.array(jsonObject),
          }),
        },
      },
    },
    async (req, res) => {
      const id = userId(req);
      // Recording is idempotent: this only writes when contributions arrived before growth existed.
      const { state } = await recordGrowth(deps, id);
      const [history, radar, stats, reflections, contributions] = await Promise.all([
        listGrowthRecords(knex, id),
        radarFor(id, req.query),
        deps.portfolio.statsOf(id),
        listReflections(knex, id, { limit: 5 }),
        byId(id),
      ]);
      res.setHeader("Cache-Control", "private, no-store");
      res.json({
        level: state.level,
        totals: state.details,
        history: history.map((h) => ({ level: h.level, name: levelName(h.level), points: h.points, progress: h.progress, recordedAt: h.recordedAt.toISOString() })),
        radar,
        streak: stats?.streaks ?? { currentWeeks: 0, longestWeeks: 0 },
        reflections: reflections.items.map((r) => reflectionJson(r, contributions)),
        recentContributions: state.scored.slice(0, 10).map((s) => ({ ...contributionJson(s.contribution), difficulty: s.difficulty, difficultySource: s.difficultySource, points: s.points })),
      });
    },
  );

  route(
    { method: "get", path: "/growth/radar", summary: "The skill radar now and at the start of a period", tags, access: "user", query: periodQuery, responses: { 200: { description: "the radar", schema: radarSchema } }, errors: { 400: "from is not before to" } },
    async (req, res) => {
      res.setHeader("Cache-Control", "private, no-store");
      res.json(await radarFor(userId(req), req.query));
    },
  );

  route(
    { method: "get", path: "/growth/suggestions", summary: "Next steps: issues that stretch the user's skills", tags, access: "user", responses: { 200: { description: "suggestions", schema: jsonObject } } },
    async (req, res) => {
      const id = userId(req);
      const { state } = await recordGrowth(deps, id);
      res.setHeader("Cache-Control", "private, no-store");
      res.json(await suggestNextSteps(deps, id, state));
    },
  );

  route(
    {
      method: "get",
      path: "/growth/reflections",
      summary: "The user's reflections, newest first",
      tags,
      access: "user",
      query: listQuery,
      responses: { 200: { description: "one page", schema: z.looseObject({ items: z.array(reflectionSchema), page: offsetPage }) } },
    },
    async (req, res, { query }) => {
      const id = userId(req);
      const { limit, offset } = query;
      const [page, contributions] = await Promise.all([listReflections(knex, id, { limit, offset }), byId(id)]);
      res.setHeader("Cache-Control", "private, no-store");
      res.json({ items: page.items.map((r) => reflectionJson(r, contributions)), page: { limit, offset, total: page.total } });
    },
  );

  route(
    {
      method: "post",
      path: "/growth/reflections",
      summary: "Write a reflection, optionally on one of the user's contributions",
      tags,
      access: "user",
      body: reflectionBody,
      responses: { 201: { description: "the reflection", schema: reflectionSchema } },
      errors: { 404: "the contribution is not the user's" },
    },
    async (req, res, { body }) => {
      const id = userId(req);
      const contributions = await byId(id);
      const contributionId = body.contributionId ?? null;
      if (contributionId !== null && !contributions.has(contributionId)) {
        throw new HttpError(404, "contribution_not_found", `You have no contribution ${contributionId}: reflect on one of your own merged pull requests`);
      }
      const reflection = await createReflection(knex, id, { contributionId, learned: body.learned, hard: body.hard, next: body.next, isPublic: body.isPublic });
      res.status(201).json(reflectionJson(reflection, contributions));
    },
  );

  route(
    {
      method: "patch",
      path: "/growth/reflections/:id",
      summary: "Make a reflection public or private",
      tags,
      access: "user",
      params: idParam,
      body: visibilityBody,
      responses: { 200: { description: "the reflection", schema: reflectionSchema } },
      errors: { 404: "no such reflection of the user's" },
    },
    async (req, res, { params, body }) => {
      const id = userId(req);
      const { id: reflectionId } = params;
      const reflection = await setReflectionVisibility(knex, id, reflectionId, body.isPublic);
      if (!reflection) throw new HttpError(404, "reflection_not_found", `You have no reflection ${reflectionId}`);
      res.json(reflectionJson(reflection, await byId(id)));
    },
  );

  route(
    { method: "delete", path: "/growth/reflections/:id", summary: "Delete a reflection", tags, access: "user", params: idParam, responses: { 204: { description: "deleted" } }, errors: { 404: "no such reflection of the user's" } },
    async (req, res, { params }) => {
      const { id: reflectionId } = params;
      if (!(await deleteReflection(knex, userId(req), reflectionId))) throw new HttpError(404, "reflection_not_found", `You have no reflection ${reflectionId}`);
      res.status(204).end();
    },
  );

  return router;
}
