import type { Health, Stats } from "$lib/api-types";
import { isRecord } from "./get-from-api";

// Checks only what the pages read, so the API can grow fields without breaking the dashboard.

export function isHealth(value: unknown): value is Health {
  if (!isRecord(value)) return false;
  const { database, queue, redis, github } = value;
  return (
    (value.status === "ok" || value.status === "degraded") &&
    typeof value.version === "string" &&
    typeof value.uptimeSeconds === "number" &&
    isRecord(database) && typeof database.ok === "boolean" && typeof database.kind === "string" &&
    isRecord(queue) && typeof queue.ok === "boolean" && typeof queue.driver === "string" &&
    isRecord(redis) && typeof redis.ok === "boolean" && typeof redis.configured === "boolean" &&
    isRecord(github) && typeof github.appConfigured === "boolean" &&
    (github.setupUrl === undefined || typeof github.setupUrl === "string")
  );
}

const STAT_COUNTS = [
  "installations",
  "repositories",
  "issuesIndexed",
  "openIssues",
  "deliveriesProcessed",
  "deliveriesPending",
] as const;

export function isStats(value: unknown): value is Stats {
  if (!isRecord(value)) return false;
  return (
    STAT_COUNTS.every((key) => typeof value[key] === "number") &&
    (value.lastDeliveryAt === null || typeof value.lastDeliveryAt === "string")
  );
}
