import { Router } from "express";
import { z } from "zod";
import type { FeedWeights } from "../config.js";
import type { Db } from "../db/types.js";
import { apiRoutes } from "../http/api-spec.js";
import { timestamp } from "../http/api-schemas.js";
import { HttpError } from "../http/http-error.js";
import type { AuthMiddleware } from "../users/index.js";
import { feedQuerySchema } from "./feed-filters.js";
import { buildFeedProfile } from "./feed/build-profile.js";
import { getFeed } from "./feed/get-feed.js";
import { clearFeedback, recordFeedback, thumbsSchema } from "./feedback/record-feedback.js";
import { getIssueDetail } from "./get-issue-detail.js";
import { searchIssues, searchQuerySchema } from "./search/search-issues.js";
import type { SignedCursor } from "./signed-cursor.js";
import { listWatchEvents } from "./watchlist/record-watch-events.js";
import { addToWatchlist, listWatchlist, removeFromWatchlist, watchSchema } from "./watchlist/watchlist-store.js";

export interface MatchingRoutesDeps {
  db: Db;
  auth: AuthMiddleware;
  weights: FeedWeights;
  cursors: SignedCursor;
  webUrl: string;
  now: () => Date;
}

const watchlistItem = z.looseObject({
  id: z.number(),
  kind: z.enum(["issue", "repository"]),
  issue: z.looseObject({ id: z.number(), number: z.number(), title: z.string(), state: z.string() }).nullable(),
  repository: z.looseObject({ id: z.number(), fullName: z.string() }),
  createdAt: timestamp,
});
const watchEvent = z.looseObject({ id: z.number(), kind: z.string(), summary: z.string(), issueId: z.number().nullable(), repositoryId: z.number(), occurredAt: timestamp });
const searchItem = z.looseObject({
  id: z.number(),
  number: z.number(),
  title: z.string(),
  url: z.string(),
  repository: z.looseObject({ id: z.number(), fullName: z.string() }),
  labels: z.array(z.string()),
  updatedAt: timestamp,
});

const idParam = z.object({ id: z.string().regex(/^\d{1,18}$/, "expected a numeric id").transform(Number) });

function userId(req: { user?: { id: number } }): number {
  if (!req.user) throw new HttpError(401, "unauthenticated", "Sign in with GitHub first");
  return req.user.id;
}

/** /issues/feed, /issues/search, /issues/:id (+ thumbs) and /watchlist; registered before any catch-all /issues/:id. */
export function createMatchingRoutes(deps: MatchingRoutesDeps): Router {
  const { db, auth } = deps;
  const knex = db.knex;
  const router = Router();

  const route = apiRoutes(router, { user: auth.requireUser, optional: auth.optionalUser });
  const tags = ["issues"];

  route(
    {
      method: "get",
      path: "/issues/feed",
      summary: "The signed-in user's ranked issue feed, with the score breakdown of each issue",
      tags,
      access: "user",
      query: feedQuerySchema,
      responses: { 200: { description: "one page of the feed", schema: z.looseObject({ items: z.array(z.looseObject({ id: z.number() })), nextCursor: z.string().nullable() }) } },
    },
    async (req, res, { query }) => {
      const profile = await buildFeedProfile(db, userId(req));
      res.json(await getFeed(knex, deps, profile, query));
    },
  );

  route(
    {
      method: "get",
      path: "/issues/search",
      summary: "Full-text search over indexed open issues",
      tags,
      access: "optional",
      query: searchQuerySchema,
      responses: { 200: { description: "one page of matches", schema: z.looseObject({ items: z.array(searchItem), nextCursor: z.string().nullable() }) } },
    },
    async (req, res, { query }) => {
      res.json(await searchIssues(knex, deps, String(req.user?.id ?? "anonymous"), query));
    },
  );

  route(
    {
      method: "get",
      path: "/issues/:id",
      summary: "One indexed issue with its repository, health, availability, skills and score",
      tags,
      access: "optional",
      params: idParam,
      responses: { 200: { description: "the issue", schema: z.looseObject({ issue: z.looseObject({ id: z.number(), number: z.number(), title: z.string() }) }) } },
      errors: { 404: "no such issue in the index" },
    },
    async (req, res, { params }) => {
      res.json(await getIssueDetail(db, deps, params.id, req.user?.id ?? null));
    },
  );

  route(
    {
      method: "post",
      path: "/issues/:id/thumbs",
      summary: "Vote an issue up or down; the vote tunes the user's feed",
      tags,
      access: "user",
      params: idParam,
      body: thumbsSchema,
      responses: { 200: { description: "the vote and its effect", schema: z.looseObject({ issueId: z.number(), value: z.enum(["up", "down"]), effect: z.string() }) } },
      errors: { 404: "no such issue in the index" },
    },
    async (req, res, { params, body }) => {
      res.json(await recordFeedback(knex, userId(req), params.id, body));
    },
  );

  route(
    { method: "delete", path: "/issues/:id/thumbs", summary: "Withdraw a vote", tags, access: "user", params: idParam, responses: { 204: { description: "withdrawn" } } },
    async (req, res, { params }) => {
      await clearFeedback(knex, userId(req), params.id);
      res.status(204).end();
    },
  );

  route(
    {
      method: "get",
      path: "/watchlist",
      summary: "The user's watched issues and repositories, and what happened to them",
      tags: ["watchlist"],
      access: "user",
      responses: { 200: { description: "items and events", schema: z.looseObject({ items: z.array(watchlistItem), events: z.array(watchEvent) }) } },
    },
    async (req, res) => {
      const id = userId(req);
      const [items, events] = await Promise.all([listWatchlist(knex, id), listWatchEvents(knex, id)]);
      res.json({ items, events });
    },
  );

  route(
    {
      method: "post",
      path: "/watchlist",
      summary: "Watch an issue or a repository",
      tags: ["watchlist"],
      access: "user",
      body: watchSchema,
      responses: { 200: { description: "already watched", schema: watchlistItem }, 201: { description: "now watched", schema: watchlistItem } },
      errors: { 404: "no such issue or repository in the index", 409: "the watchlist is full" },
    },
    async (req, res, { body }) => {
      const { item, created } = await addToWatchlist(knex, userId(req), body);
      res.status(created ? 201 : 200).json(item);
    },
  );

  route(
    {
      method: "delete",
      path: "/watchlist/:id",
      summary: "Stop watching",
      tags: ["watchlist"],
      access: "user",
      params: idParam,
      responses: { 204: { description: "removed" } },
      errors: { 404: "no such watchlist item" },
    },
    async (req, res, { params }) => {
      const { id } = params;
      if (!(await removeFromWatchlist(knex, userId(req), id))) throw new HttpError(404, "watchlist_item_not_found", `No watchlist item ${id}`);
      res.status(204).end();
    },
  );

  return router;
}
