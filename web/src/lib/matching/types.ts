/** Shapes of the matching API (feed, search, watchlist) as the dashboard reads them. */

export interface ScoreComponent {
  value: number;
  weight: number;
  contribution: number;
}

export const COMPONENTS = ["skill_match", "growth_match", "repo_health", "freshness", "low_competition"] as const;
export type ComponentName = (typeof COMPONENTS)[number];

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
  breakdown: Record<ComponentName, ScoreComponent> & { feedback: { contribution: number } };
  reason: string;
  availability: { verifiedAt: string; text: string };
  updatedAt: string;
}

export interface FeedPage {
  items: FeedItem[];
  nextCursor: string | null;
  asOf: string;
}

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

export interface SearchPage {
  items: SearchItem[];
  nextCursor: string | null;
}

export interface WatchlistItem {
  id: number;
  kind: "issue" | "repository";
  issue: { id: number; number: number; title: string; state: string } | null;
  repository: { id: number; fullName: string };
  createdAt: string;
}

export interface WatchEvent {
  id: number;
  kind: string;
  summary: string;
  issueId: number | null;
  repositoryId: number;
  occurredAt: string;
}

export interface Watchlist {
  items: WatchlistItem[];
  events: WatchEvent[];
}

/** The dashboard's own issue page for an issue, from its repository's full name. */
export function issuePath(fullName: string, number: number): string {
  const [owner = "", repo = ""] = fullName.split("/");
  return `/issues/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/${number}`;
}

/** Links from the API are ours, but one we render must never carry a script URL. */
export const isWebLink = (href: string) => /^https?:\/\//i.test(href);
