import type { Knex } from "knex";
import { z } from "zod";
import { HttpError } from "../../http/http-error.js";
import { filterShape, filtersOf, type Filters } from "../feed-filters.js";
import type { SignedCursor } from "../signed-cursor.js";
import { correctionSql, exactCountSql, FUZZY_BELOW, matchEstimateSql, searchSql, shouldWalkRecency } from "./search-sql.js";

export const MAX_QUERY_LENGTH = 200;

export const searchQuerySchema = z
  .object({
    ...filterShape,
    q: z
      .string({ error: "q is required: what to search for" })
      .max(MAX_QUERY_LENGTH, `q has at most ${MAX_QUERY_LENGTH} characters`)
      // eslint-disable-next-line no-control-regex
      .transform((v) => v.replace(/[\u0000-\u001f\u007f]/g, " ").trim())
      .pipe(z.string().min(1, "q is required: what to search for")),
  })
  .strict();
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export interface SearchItem {
  id: number;
  number: number;
  title: string;
  titleHtml: string;
  snippetHtml: string;
  url: string;
  repository: { id: number; fullName: string; health: number };
  labels: string[];
  rank: number;
  availability: { taken: boolean; notReady: boolean; notReadyReason: string | null };
  updatedAt: string;
}

interface Position extends Record<string, unknown> {
  asOf: string;
  rank: string;
  id: number;
}

export interface SearchPlan {
  fuzzy: boolean;
  /** the query with unknown words corrected, when typo tolerance found corrections */
  fixed: string | null;
  /** read the newest matches of the query off the recency index (see shouldWalkRecency) */
  walkRecency: boolean;
  /** the same for the corrected query */
  walkFixed: boolean;
}

/** The planner's estimate of how many open issues `q` matches; EXPLAIN reads no rows. */
async function estimateMatches(knex: Knex, q: string): Promise<number> {
  const explained = await knex.raw(matchEstimateSql, { q });
  const raw: unknown = explained.rows[0]?.["QUERY PLAN"];
  const plans = (typeof raw === "string" ? JSON.parse(raw) : raw) as Array<{ Plan?: { "Plan Rows"?: number } }> | undefined;
  return Number(plans?.[0]?.Plan?.["Plan Rows"] ?? 0);
}

/**
 * Typo tolerance is for queries full text barely answers: at least 3 characters and fewer than
 * FUZZY_BELOW full-text matches as of `asOf`, so every page of one search decides the same way.
 * How each candidate scan reads is chosen from the planner's estimate of the matches; either way
 * the candidates are the same, so it never changes a result.
 */
export async function planSearch(knex: Knex, filters: Filters, q: string, asOf: Date): Promise<SearchPlan> {
  const count = await knex.raw(exactCountSql(filters), { ...filters, q, asOf: asOf.toISOString() });
  const found = Number(count.rows[0].n);
  const total = Number(count.rows[0].total);
  if (found < FUZZY_BELOW) {
    if (q.length < 3) return { fuzzy: false, fixed: null, walkRecency: true, walkFixed: true };
    const correction = await knex.raw(correctionSql, { q });
    const fixed = (correction.rows[0]?.fixed as string | null) ?? null;
    const walkFixed = fixed === null || shouldWalkRecency(await estimateMatches(knex, fixed), total);
    return { fuzzy: true, fixed, walkRecency: true, walkFixed };
  }
  return { fuzzy: false, fixed: null, walkRecency: shouldWalkRecency(await estimateMatches(knex, q), total), walkFixed: true };
}

/** Full-text and typo-tolerant search over open issues; taken and not-ready ones are shown but marked. */
export async function searchIssues(
  knex: Knex,
  deps: { cursors: SignedCursor; webUrl: string; now: () => Date },
  userScope: string,
  query: SearchQuery,
): Promise<{ items: SearchItem[]; nextCursor: string | null }> {
  const { q, ...rest } = query;
  const filters = { q, ...filtersOf(rest) };
  let position: Position | undefined;
  if (query.cursor) {
    position = deps.cursors.decode<Position>(`search:${userScope}`, filters, query.cursor);
    if (Number.isNaN(new Date(position.asOf).getTime()) || !/^\d+(\.\d+)?$/.test(String(position.rank)) || !Number.isSafeInteger(position.id)) {
      throw new HttpError(400, "invalid_cursor", "The cursor is not valid for this request: start again from the first page");
    }
  }
  const asOf = position ? new Date(position.asOf) : deps.now();
  const bindings = {
    ...filtersOf(rest),
    q,
    asOf: asOf.toISOString(),
    limitPlusOne: query.limit + 1,
    ...(position ? { pRank: String(position.rank), pId: position.id } : {}),
  };
  const plan = await planSearch(knex, filtersOf(rest), q, asOf);
  const result = await knex.raw(searchSql(filtersOf(rest), Boolean(position), plan), { ...bindings, fixed: plan.fixed });
  const rows = result.rows as Array<Record<string, unknown>>;
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? deps.cursors.encode(`search:${userScope}`, filters, { asOf: asOf.toISOString(), rank: String(last.rank), id: Number(last.id) })
      : null;
  return {
    items: page.map((row) => ({
      id: Number(row.id),
      number: Number(row.number),
      title: row.title as string,
      titleHtml: row.title_html as string,
      snippetHtml: row.snippet_html as string,
      url: `${deps.webUrl}/${row.full_name as string}/issues/${Number(row.number)}`,
      repository: { id: Number(row.repository_id), fullName: row.full_name as string, health: Number(row.health) },
      labels: row.labels as string[],
      rank: Number(row.rank),
      availability: { taken: Boolean(row.taken), notReady: Boolean(row.not_ready), notReadyReason: (row.not_ready_reason as string | null) ?? null },
      updatedAt: (row.github_updated_at as Date).toISOString(),
    })),
    nextCursor,
  };
}
