import type { Knex } from "knex";
import { z } from "zod";
import { HttpError } from "../../http/http-error.js";
import { filterShape, filtersOf, type Filters } from "../feed-filters.js";
import type { SignedCursor } from "../signed-cursor.js";
import { correctionSql, exactCountSql, FUZZY_BELOW, searchSql } from "./search-sql.js";

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

/**
 * Typo tolerance is for queries full text barely answers: at least 3 characters and fewer than
 * FUZZY_BELOW full-text matches as of `asOf`, so every page of one search decides the same way.
 */
export async function planSearch(knex: Knex, filters: Filters, q: string, asOf: Date): Promise<{ fuzzy: boolean; fixed: string | null }> {
  if (q.length < 3) return { fuzzy: false, fixed: null };
  const count = await knex.raw(exactCountSql(filters), { ...filters, q, asOf: asOf.toISOString() });
  if (Number(count.rows[0].n) >= FUZZY_BELOW) return { fuzzy: false, fixed: null };
  const correction = await knex.raw(correctionSql, { q });
  return { fuzzy: true, fixed: (correction.rows[0]?.fixed as string | null) ?? null };
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
  const result = await knex.raw(searchSql(filtersOf(rest), Boolean(position), plan.fuzzy), { ...bindings, fixed: plan.fixed });
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
