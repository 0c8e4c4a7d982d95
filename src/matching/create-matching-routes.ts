import { Router } from "express";
import { z } from "zod";
import type { FeedWeights } from "../config.js";
import type { Db } from "../db/types.js";
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

  router.get("/issues/feed", auth.requireUser, async (req, res) => {
    const query = feedQuerySchema.parse(req.query);
    const profile = await buildFeedProfile(db, userId(req));
    res.json(await getFeed(knex, deps, profile, query));
  });

  router.get("/issues/search", auth.optionalUser, async (req, res) => {
    const query = searchQuerySchema.parse(req.query);
    res.json(await searchIssues(knex, deps, String(req.user?.id ?? "anonymous"), query));
  });

  router.get("/issues/:id", auth.optionalUser, async (req, res) => {
    const { id } = idParam.parse(req.params);
    res.json(await getIssueDetail(db, deps, id, req.user?.id ?? null));
  });

  router.post("/issues/:id/thumbs", auth.requireUser, async (req, res) => {
    const { id } = idParam.parse(req.params);
    res.json(await recordFeedback(knex, userId(req), id, thumbsSchema.parse(req.body ?? {})));
  });

  router.delete("/issues/:id/thumbs", auth.requireUser, async (req, res) => {
    const { id } = idParam.parse(req.params);
    await clearFeedback(knex, userId(req), id);
    res.status(204).end();
  });

  router.get("/watchlist", auth.requireUser, async (req, res) => {
    const id = userId(req);
    const [items, events] = await Promise.all([listWatchlist(knex, id), listWatchEvents(knex, id)]);
    res.json({ items, events });
  });

  router.post("/watchlist", auth.requireUser, async (req, res) => {
    const { item, created } = await addToWatchlist(knex, userId(req), watchSchema.parse(req.body ?? {}));
    res.status(created ? 201 : 200).json(item);
  });

  router.delete("/watchlist/:id", auth.requireUser, async (req, res) => {
    const { id } = idParam.parse(req.params);
    if (!(await removeFromWatchlist(knex, userId(req), id))) throw new HttpError(404, "watchlist_item_not_found", `No watchlist item ${id}`);
    res.status(204).end();
  });

  return router;
}
