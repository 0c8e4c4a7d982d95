import { createHash } from "node:crypto";
import type { Knex } from "knex";
import { HttpError } from "../../http/http-error.js";
import { computeStats } from "../compute-stats.js";
import { listContributions } from "../contribution-store.js";
import { findOwnerByLogin } from "../portfolio-owners.js";
import { renderErrorCard, renderWidget } from "./render-widget.js";
import { parseWidgetOptions, THEMES, type WidgetOptions } from "./widget-themes.js";
import { GITHUB_LOGIN } from "../../github/github-login.js";

/** GitHub's image proxy honours these: fresh for 30 minutes, served stale for a day while it refetches. */
export const WIDGET_CACHE = "public, max-age=1800, s-maxage=1800, stale-while-revalidate=86400";
/** Nothing to show yet: a newly opted-in or newly signed-up user should appear within minutes. */
export const ERROR_CACHE = "public, max-age=300, s-maxage=300";

export interface WidgetAnswer {
  status: number;
  svg: string | null;
  etag: string;
  cacheControl: string;
}

const MAX_CACHED = 5000;
/**
 * A card just answered is answered again without touching the database for this long. GitHub's
 * proxy caches for 30 minutes anyway; a minute more of staleness buys warm views at memory speed.
 */
const FRESH_MS = 60_000;

/**
 * Cards rendered from the database only. The ETag is derived from the portfolio's version (count
 * and last change of its public rows) and the options, so a 304 costs two indexed queries and no
 * rendering; rendered cards are kept in a small LRU keyed the same way.
 */
export function createWidgetService(options: { knex: Knex; now: () => Date; timeZoneOf: (userId: number) => Promise<string | null> }) {
  const cache = new Map<string, string>();
  const remember = (key: string, svg: string) => {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, svg);
  };
  const fresh = new Map<string, { answer: WidgetAnswer; until: number }>();
  const hash = (key: string) => `"${createHash("sha256").update(key).digest("base64url").slice(0, 27)}"`;

  function errorCard(status: number, message: string, parsed?: WidgetOptions): WidgetAnswer {
    const svg = renderErrorCard(message, parsed?.colors ?? THEMES.light);
    return { status, svg, etag: hash(`error|${status}|${svg}`), cacheControl: ERROR_CACHE };
  }

  return async function answer(username: string, query: Record<string, unknown>): Promise<WidgetAnswer> {
    let parsed: WidgetOptions;
    try {
      parsed = parseWidgetOptions(query);
    } catch (error) {
      if (error instanceof HttpError) return errorCard(400, error.message);
      throw error;
    }
    if (!GITHUB_LOGIN.test(username)) return errorCard(400, "Not a GitHub username", parsed);
    const freshKey = `${username.toLowerCase()}|${JSON.stringify(parsed)}`;
    const recent = fresh.get(freshKey);
    if (recent && recent.until > options.now().getTime()) return recent.answer;
    const answer = await build(username, parsed);
    if (fresh.size >= MAX_CACHED) fresh.delete(fresh.keys().next().value!);
    fresh.set(freshKey, { answer, until: options.now().getTime() + FRESH_MS });
    return answer;
  };

  async function build(username: string, parsed: WidgetOptions): Promise<WidgetAnswer> {
    const owner = await findOwnerByLogin(options.knex, username);
    // Unknown and private look the same, so the card does not reveal who uses Illuminate.
    if (!owner || !owner.publicPortfolio) return errorCard(200, "No public portfolio for this user", parsed);
    const version: { n: number; changed: Date | null } = await options.knex("contributions")
      .where({ author_github_id: owner.githubId })
      .where({ is_private: false })
      .first(options.knex.raw("count(*)::int as n"), options.knex.raw("max(updated_at) as changed"));
    const day = options.now().toISOString().slice(0, 10);
    // The day is part of the key: streaks and "last 12 months" move with the calendar.
    const key = [owner.userId, owner.login, owner.name ?? "", version.n, version.changed ? new Date(version.changed).toISOString() : "", day, JSON.stringify(parsed)].join("|");
    const etag = hash(key);
    const cached = cache.get(key);
    if (cached) return { status: 200, svg: cached, etag, cacheControl: WIDGET_CACHE };
    const contributions = await listContributions(options.knex, owner, { publicOnly: true });
    const stats = computeStats(contributions, { timeZone: await options.timeZoneOf(owner.userId), now: options.now() });
    const svg = renderWidget({ login: owner.login, name: owner.name, stats, recent: contributions.slice(0, 10) }, parsed);
    remember(key, svg);
    return { status: 200, svg, etag, cacheControl: WIDGET_CACHE };
  }
}
