import { z } from "zod";

export const WORK_KINDS = ["docs", "bug", "feature", "tests", "refactor", "design"] as const;

const skillName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9.+#][a-z0-9.+#_ -]{0,39}$/, "expected a language or framework name such as typescript or svelte");

/** Filters shared by the feed and search; an unknown query parameter is refused by name. */
export const filterShape = {
  language: skillName.optional(),
  label: z.string().trim().min(1).max(50, "a label has at most 50 characters").optional(),
  kind: z.enum(WORK_KINDS).optional(),
  repo: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/, "expected owner/name")
    .transform((v) => v.toLowerCase())
    .optional(),
  minHealth: z.coerce.number().min(0, "minHealth is between 0 and 1").max(1, "minHealth is between 0 and 1").optional(),
  updatedSince: z.iso
    .datetime({ offset: true })
    .or(z.iso.date())
    .transform((v) => new Date(v).toISOString())
    .optional(),
  limit: z.coerce.number().int("limit is a whole number").min(1, "limit is between 1 and 50").max(50, "limit is between 1 and 50").default(20),
  cursor: z.string().max(1_000, "the cursor is not valid").optional(),
};

export const feedQuerySchema = z.object(filterShape).strict();
export type FeedQuery = z.infer<typeof feedQuerySchema>;
export type Filters = Omit<FeedQuery, "limit" | "cursor">;

export function filtersOf(query: FeedQuery): Filters {
  const { limit: _limit, cursor: _cursor, ...filters } = query;
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Filters;
}
