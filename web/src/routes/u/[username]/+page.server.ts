import { error } from "@sveltejs/kit";
import { isPortfolio, type Portfolio } from "../../portfolio/portfolio-types";
import type { PageServerLoad } from "./$types";

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

export interface PublicReflection {
  id: number;
  learned: string | null;
  hard: string | null;
  next: string | null;
  createdAt: string;
  contribution: { title: string; url: string; repository: string } | null;
}

/** Reflections the owner chose to show; the page still renders without them. */
async function publicReflections(fetch: typeof globalThis.fetch, username: string): Promise<PublicReflection[]> {
  try {
    const response = await fetch(`/api/growth/u/${encodeURIComponent(username)}/reflections`, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return [];
    const body = (await response.json()) as { reflections?: PublicReflection[] };
    return Array.isArray(body.reflections) ? body.reflections : [];
  } catch {
    return [];
  }
}

export const load: PageServerLoad = async ({ params, fetch, url, setHeaders }) => {
  if (!LOGIN.test(params.username)) error(404, "No such portfolio");
  let response: Response;
  try {
    response = await fetch(`/api/portfolio/${encodeURIComponent(params.username)}?limit=100`, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(5_000) });
  } catch {
    error(503, "The portfolio cannot be loaded right now");
  }
  if (response.status === 404) error(404, `${params.username} has no public portfolio`);
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok || !isPortfolio(body)) error(503, "The portfolio cannot be loaded right now");
  setHeaders({ "cache-control": "public, max-age=300" });
  const portfolio: Portfolio = body;
  return { portfolio, reflections: await publicReflections(fetch, params.username), origin: url.origin, today: new Date().toISOString().slice(0, 10) };
};
