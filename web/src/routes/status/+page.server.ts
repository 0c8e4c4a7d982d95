import { getFromApi } from "$lib/server/get-from-api";
import { isStats } from "$lib/server/shapes";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ fetch }) => {
  return { stats: await getFromApi(fetch, "/api/stats", isStats) };
};
