import { isRecord } from "$lib/server/get-from-api";
import { COMPONENTS, type FeedItem, type FeedPage, type ScoreComponent, type SearchItem, type SearchPage, type WatchEvent, type Watchlist, type WatchlistItem } from "./types";

// Checks only what the pages read, so the API can grow fields without breaking the dashboard.

const isComponent = (value: unknown): value is ScoreComponent =>
  isRecord(value) && typeof value.value === "number" && typeof value.weight === "number" && typeof value.contribution === "number";

const isRepository = (value: unknown) => isRecord(value) && typeof value.fullName === "string" && value.fullName.includes("/");

function isFeedItem(value: unknown): value is FeedItem {
  if (!isRecord(value) || !isRecord(value.breakdown) || !isRecord(value.availability)) return false;
  const breakdown = value.breakdown;
  return (
    typeof value.id === "number" &&
    typeof value.number === "number" &&
    typeof value.title === "string" &&
    typeof value.url === "string" &&
    isRepository(value.repository) &&
    Array.isArray(value.labels) &&
    typeof value.score === "number" &&
    typeof value.reason === "string" &&
    COMPONENTS.every((name) => isComponent(breakdown[name])) &&
    isRecord(breakdown.feedback) &&
    typeof breakdown.feedback.contribution === "number" &&
    typeof value.availability.text === "string" &&
    typeof value.availability.verifiedAt === "string"
  );
}

export function isFeedPage(value: unknown): value is FeedPage {
  return isRecord(value) && Array.isArray(value.items) && value.items.every(isFeedItem) && (value.nextCursor === null || typeof value.nextCursor === "string");
}

function isSearchItem(value: unknown): value is SearchItem {
  return (
    isRecord(value) &&
    typeof value.id === "number" &&
    typeof value.number === "number" &&
    typeof value.title === "string" &&
    typeof value.titleHtml === "string" &&
    typeof value.snippetHtml === "string" &&
    isRepository(value.repository) &&
    Array.isArray(value.labels) &&
    isRecord(value.availability)
  );
}

export function isSearchPage(value: unknown): value is SearchPage {
  return isRecord(value) && Array.isArray(value.items) && value.items.every(isSearchItem) && (value.nextCursor === null || typeof value.nextCursor === "string");
}

function isWatchlistItem(value: unknown): value is WatchlistItem {
  return (
    isRecord(value) &&
    typeof value.id === "number" &&
    (value.kind === "issue" || value.kind === "repository") &&
    isRepository(value.repository) &&
    (value.issue === null || (isRecord(value.issue) && typeof value.issue.number === "number" && typeof value.issue.title === "string"))
  );
}

const isWatchEvent = (value: unknown): value is WatchEvent =>
  isRecord(value) && typeof value.id === "number" && typeof value.summary === "string" && typeof value.occurredAt === "string";

export function isWatchlist(value: unknown): value is Watchlist {
  return isRecord(value) && Array.isArray(value.items) && value.items.every(isWatchlistItem) && Array.isArray(value.events) && value.events.every(isWatchEvent);
}
