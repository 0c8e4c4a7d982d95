/** The feed's and search's filters as GET parameters: read from a page address, passed on to the API. */

export const WORK_KINDS = [
  { value: "docs", label: "Documentation" },
  { value: "bug", label: "Bug fixes" },
  { value: "feature", label: "Features" },
  { value: "tests", label: "Tests" },
  { value: "refactor", label: "Refactoring" },
  { value: "design", label: "Design" },
] as const;

export const FILTER_KEYS = ["language", "label", "kind", "repo", "minHealth", "updatedSince"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type FilterValues = Partial<Record<FilterKey, string>>;

/** Longer values are the API's to refuse; this only keeps a pasted novel out of the address. */
const MAX_VALUE_LENGTH = 200;

export interface PageQuery {
  filters: FilterValues;
  /** the search words, for search only */
  q: string;
  cursor: string | null;
  limit: string | null;
}

/**
 * Only the parameters the API knows, trimmed, empty ones dropped: a form submitted without
 * JavaScript sends every field, and SvelteKit's "/action" marker must not reach the API.
 */
export function readPageQuery(params: URLSearchParams): PageQuery {
  const value = (key: string) => (params.get(key) ?? "").trim().slice(0, MAX_VALUE_LENGTH);
  const filters: FilterValues = {};
  for (const key of FILTER_KEYS) {
    const v = value(key);
    if (v) filters[key] = v;
  }
  return { filters, q: value("q"), cursor: (params.get("cursor") ?? "").trim().slice(0, 1_000) || null, limit: value("limit") || null };
}

/** The query string for the API or for a link: filters (and q, limit), plus a cursor when given. */
export function queryString(query: PageQuery, options: { cursor?: string | null; withQ?: boolean } = {}): string {
  const params = new URLSearchParams();
  if (options.withQ && query.q) params.set("q", query.q);
  for (const key of FILTER_KEYS) {
    const v = query.filters[key];
    if (v) params.set(key, v);
  }
  if (query.limit) params.set("limit", query.limit);
  if (options.cursor) params.set("cursor", options.cursor);
  return params.toString();
}

export const hasFilters = (query: PageQuery) => FILTER_KEYS.some((key) => query.filters[key]);

/** A form action on the current page that keeps its filters and position, e.g. `?language=rust&/thumbs`. */
export function actionHref(currentQuery: string, action: string): string {
  return currentQuery ? `?${currentQuery}&/${action}` : `?/${action}`;
}
