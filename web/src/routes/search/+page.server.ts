import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ url }) => {
  return { query: (url.searchParams.get("q") ?? "").trim().slice(0, 200) };
};
