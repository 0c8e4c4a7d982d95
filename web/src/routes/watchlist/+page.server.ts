import { addRepository, unwatch } from "$lib/matching/matching-actions.server";
import { isWatchlist } from "$lib/matching/shapes.server";
import type { Watchlist } from "$lib/matching/types";
import { callApi } from "$lib/server/session";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const { session } = await event.parent();
  if (!session) return { watchlist: null as Watchlist | null, problem: null as string | null };
  const answer = await callApi<unknown>(event, "GET", "/api/watchlist");
  if (answer.ok && isWatchlist(answer.data)) return { watchlist: answer.data, problem: null };
  return { watchlist: null, problem: answer.ok ? "The API answered in an unexpected shape" : (answer.error?.message ?? "Your watchlist could not be loaded") };
};

export const actions: Actions = { addRepository, unwatch };
