import type { ApiResult, Health } from "$lib/api-types";
import { getFromApi } from "./get-from-api";
import { isHealth } from "./shapes";

/** Health as the layout shows it, with a setup link that is safe to put in an href. */
export async function loadHealth(fetch: typeof globalThis.fetch): Promise<ApiResult<Health>> {
  const result = await getFromApi(fetch, "/api/health", isHealth);
  if (!result.ok) return result;
  const { setupUrl, ...github } = result.data.github;
  return { ok: true, data: { ...result.data, github: isSafeLink(setupUrl) ? { ...github, setupUrl } : github } };
}

// The API is ours, but a link we render should never be able to carry a script URL.
function isSafeLink(href: string | undefined): href is string {
  if (!href) return false;
  // "//host" and "/\host" are both read by browsers as another host.
  if (href.startsWith("/")) return !/^\/[/\\]/.test(href);
  return /^https?:\/\//i.test(href);
}
