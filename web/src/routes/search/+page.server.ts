import { hasFilters, queryString, readPageQuery } from "$lib/matching/filters";
import { unwatch, watch } from "$lib/matching/matching-actions.server";
import { isSearchPage, isWatchlist } from "$lib/matching/shapes.server";
import type { SearchPage } from "$lib/matching/types";
import { callApi } from "$lib/server/session";
import type { Actions, PageServerLoad } from "./$types";

/** As the API allows; a longer query is cut here rather than refused, since it came from our own box. */
const MAX_QUERY_LENGTH = 200;

export const load: PageServerLoad = async (event) => {
  const { session } = await event.parent();
  const pageQuery = readPageQuery(event.url.searchParams);
  const query = { ...pageQuery, q: pageQuery.q.slice(0, MAX_QUERY_LENGTH) };
  const currentQuery = queryString(query, { cursor: query.cursor, withQ: true });
  const base = { query, currentQuery, filtered: hasFilters(query), watched: {} as Record<number, number> };
  if (!query.q) return { ...base, results: null as SearchPage | null, problem: null as { status: number; message: string } | null };

  // Search works signed out; the watch buttons need an account.
  const [answer, watchAnswer] = await Promise.all([
    callApi<unknown>(event, "GET", `/api/issues/search?${currentQuery}`),
    session ? callApi<unknown>(event, "GET", "/api/watchlist") : null,
  ]);
  const watched: Record<number, number> = {};
  if (watchAnswer?.ok && isWatchlist(watchAnswer.data)) {
    for (const item of watchAnswer.data.items) if (item.issue) watched[item.issue.id] = item.id;
  }
  const results = answer.ok && isSearchPage(answer.data) ? answer.data : null;
  const problem = results
    ? null
    : answer.ok
      ? { status: 502, message: "The API answered in an unexpected shape" }
      : { status: answer.status, message: answer.error?.message ?? "The search could not be run" };
  return { ...base, watched, results, problem };
};

export const actions: Actions = { watch, unwatch };
