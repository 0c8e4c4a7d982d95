import type { Knex } from "knex";
import type { FeedWeights } from "../../config.js";
import { HttpError } from "../../http/http-error.js";
import { filtersOf, type FeedQuery } from "../feed-filters.js";
import type { SignedCursor } from "../signed-cursor.js";
import { explainFeedItem } from "./explain-feed-item.js";
import { feedBindings, feedSql, type FeedPosition, type FeedProfile } from "./feed-sql.js";

export interface ScoreComponent {
  value: number;
  weight: number;
  contribution: number;
}

export interface FeedItem {
  id: number;
  number: number;
  title: string;
  url: string;
  repository: { id: number; fullName: string; health: number };
  labels: string[];
  difficulty: string;
  workKind: string | null;
  score: number;
  breakdown: {
    skill_match: ScoreComponent;
    growth_match: ScoreComponent;
    repo_health: ScoreComponent;
    freshness: ScoreComponent;
    low_competition: ScoreComponent;
    /** thumbs on similar issues; not one of the five weighted components, so it has no weight */
    feedback: { contribution: number };
  };
  reason: string;
  availability: { verifiedAt: string; text: string };
  updatedAt: string;
}

export interface FeedPage {
  items: FeedItem[];
  nextCursor: string | null;
  asOf: string;
}

type Row = Record<string, unknown>;

const num = (value: unknown) => Number(value);
const round = (value: number) => Math.round(value * 1e6) / 1e6;

export function toFeedItem(row: Row, profile: FeedProfile, weights: FeedWeights, asOf: Date, webUrl: string, now: Date): FeedItem {
  const component = (value: unknown, weight: number, contribution: unknown): ScoreComponent => ({
    value: round(num(value)),
    weight,
    contribution: num(contribution),
  });
  const updatedAt = row.github_updated_at as Date;
  const components = (row.health_components ?? {}) as { medianResponseHours?: number | null };
  const installed = row.tracked_via === "installation" && row.installation_id !== null;
  // Installed repositories are kept current by webhooks; crawled ones are as fresh as our last look.
  const verifiedAt = installed ? now : (row.indexed_at as Date);
  const fullName = row.full_name as string;
  return {
    id: num(row.id),
    number: num(row.number),
    title: row.title as string,
    url: `${webUrl}/${fullName}/issues/${num(row.number)}`,
    repository: { id: num(row.repository_id), fullName, health: round(num(row.health)) },
    labels: row.labels as string[],
    difficulty: row.difficulty as string,
    workKind: (row.work_kind as string | null) ?? null,
    score: num(row.score),
    breakdown: {
      skill_match: component(row.skill_match, weights.skill, row.c_skill),
      growth_match: component(row.growth_match, weights.growth, row.c_growth),
      repo_health: component(row.health, weights.health, row.c_health),
      freshness: component(row.freshness, weights.freshness, row.c_freshness),
      low_competition: component(row.low_competition, weights.competition, row.c_competition),
      feedback: { contribution: num(row.c_feedback) },
    },
    reason: explainFeedItem({
      knownSkills: row.known_skills as string[],
      goalSkills: row.goal_skills as string[],
      difficulty: row.difficulty as string,
      targetDifficulty: profile.targetDifficulty,
      medianResponseHours: components.medianResponseHours ?? null,
      health: num(row.health),
      freshnessDays: (asOf.getTime() - updatedAt.getTime()) / 86_400_000,
      feedback: num(row.c_feedback),
      repository: fullName,
    }),
    availability: { verifiedAt: verifiedAt.toISOString(), text: `verified open and unclaimed as of ${verifiedAt.toISOString()}` },
    updatedAt: updatedAt.toISOString(),
  };
}

interface CursorPosition extends Record<string, unknown> {
  asOf: string;
  tier: number;
  score: string;
  id: number;
}

function checkPosition(p: CursorPosition): FeedPosition & { asOf: Date } {
  const asOf = new Date(p.asOf);
  if (Number.isNaN(asOf.getTime()) || !Number.isInteger(p.tier) || !/^-?\d+(\.\d+)?$/.test(String(p.score)) || !Number.isSafeInteger(p.id)) {
    throw new HttpError(400, "invalid_cursor", "The cursor is not valid for this request: start again from the first page");
  }
  return { asOf, tier: p.tier, score: String(p.score), id: p.id };
}

/** One page of the personalised feed, ranked in SQL; the cursor pins the ranking's clock. */
export async function getFeed(
  knex: Knex,
  deps: { weights: FeedWeights; cursors: SignedCursor; webUrl: string; now: () => Date },
  profile: FeedProfile,
  query: FeedQuery,
): Promise<FeedPage> {
  const filters = filtersOf(query);
  const scope = `feed:${profile.userId}`;
  const position = query.cursor ? checkPosition(deps.cursors.decode<CursorPosition>(scope, filters, query.cursor)) : undefined;
  const now = deps.now();
  const asOf = position?.asOf ?? now;
  const result = await knex.raw(feedSql(filters, Boolean(position)), feedBindings(profile, deps.weights, filters, asOf, query.limit, position));
  const rows = result.rows as Row[];
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? deps.cursors.encode(scope, filters, { asOf: asOf.toISOString(), tier: num(last.tier), score: String(last.score), id: num(last.id) })
      : null;
  return { items: page.map((row) => toFeedItem(row, profile, deps.weights, asOf, deps.webUrl, now)), nextCursor, asOf: asOf.toISOString() };
}
