import { thumbs, undoThumbs, unwatch, watch } from "$lib/matching/matching-actions.server";
import { hasFilters, queryString, readPageQuery } from "$lib/matching/filters";
import { isFeedPage, isWatchlist } from "$lib/matching/shapes.server";
import type { FeedPage } from "$lib/matching/types";
import { callApi, loadSkills } from "$lib/server/session";
import type { Actions, PageServerLoad } from "./$types";

export interface FeedProblem {
  status: number;
  message: string;
}

export const load: PageServerLoad = async (event) => {
  const { session } = await event.parent();
  const query = readPageQuery(event.url.searchParams);
  const currentQuery = queryString(query, { cursor: query.cursor });
  const base = { query, currentQuery, filtered: hasFilters(query), watched: {} as Record<number, number> };
  // Signed out: the page explains the feed and offers sign-in.
  if (!session) return { ...base, feed: null as FeedPage | null, problem: null as FeedProblem | null, needsSkills: false, onboarded: false };

  const [feedAnswer, watchAnswer, skills] = await Promise.all([
    callApi<unknown>(event, "GET", `/api/issues/feed?${currentQuery}`),
    callApi<unknown>(event, "GET", "/api/watchlist"),
    // With no skills on record the ranking cannot be personal; the page says so and where to fix it.
    loadSkills(event),
  ]);
  // The watch buttons say "Unwatch" for issues already watched; without the list they all offer "Watch".
  const watched: Record<number, number> = {};
  if (watchAnswer.ok && isWatchlist(watchAnswer.data)) {
    for (const item of watchAnswer.data.items) if (item.issue) watched[item.issue.id] = item.id;
  }
  const feed = feedAnswer.ok && isFeedPage(feedAnswer.data) ? feedAnswer.data : null;
  const problem: FeedProblem | null = feed
    ? null
    : feedAnswer.ok
      ? { status: 502, message: "The API answered in an unexpected shape" }
      : { status: feedAnswer.status, message: feedAnswer.error?.message ?? "Your feed could not be loaded" };
  const needsSkills = skills !== null && skills.length === 0;
  return { ...base, watched, feed, problem, needsSkills, onboarded: session.onboarding.completed };
};

export const actions: Actions = { thumbs, undoThumbs, watch, unwatch };
