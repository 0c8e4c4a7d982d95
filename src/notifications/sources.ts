import type { Logger } from "pino";
import type { Db } from "../db/types.js";
import { hasDedupeKeys, type NewNotification } from "./notification-store.js";
import { getSettings } from "./settings-store.js";

/** A watch event as the matching domain hands it over. */
export interface WatchEventSource {
  listUndelivered(limit?: number): Promise<
    Array<{ id: number; userId: number; kind: string; summary: string; issueNumber: number | null; repositoryFullName: string; issueId: number | null; claimed: boolean }>
  >;
  markDelivered(ids: number[], at: Date): Promise<void>;
}

export interface MatchSource {
  /** the top of a user's feed, best first, scores 0–1 */
  topMatches(userId: number, limit: number): Promise<Array<{ id: number; number: number; title: string; score: number; reason: string; repository: { fullName: string } }>>;
}

export type Notify = (userId: number, notification: NewNotification) => Promise<boolean>;

const issuePage = (fullName: string, number: number) => `/issues/${fullName}/${number}`;

/**
 * Turns undelivered watch events into notifications, then marks them delivered. At least once:
 * if marking fails the next run inserts nothing twice (one dedupe key per event).
 */
export function createWatchEventCollector(deps: { watch: WatchEventSource; notify: Notify; webUrl: string; now: () => Date; log: Logger }) {
  return async (): Promise<number> => {
    let created = 0;
    for (let round = 0; round < 20; round++) {
      const events = await deps.watch.listUndelivered(500);
      if (events.length === 0) break;
      for (const event of events) {
        const ref = event.issueNumber === null ? event.repositoryFullName : `${event.repositoryFullName}#${event.issueNumber}`;
        const added = await deps.notify(event.userId, {
          kind: "watched_issue",
          title: event.claimed ? `${ref} was claimed` : event.summary,
          body: event.claimed ? `${event.summary}. Someone said they are working on it, or it was assigned.` : null,
          url: event.issueNumber === null ? `${deps.webUrl}/${event.repositoryFullName}` : issuePage(event.repositoryFullName, event.issueNumber),
          data: { watchEventId: event.id, event: event.kind, issueId: event.issueId, claimed: event.claimed },
          dedupeKey: `watch-${event.id}`,
        });
        if (added) created++;
      }
      await deps.watch.markDelivered(events.map((e) => e.id), deps.now());
      if (events.length < 500) break;
    }
    if (created > 0) deps.log.debug({ created }, "watch notifications created");
    return created;
  };
}

/** Users who opted into new-match notifications: their settings say so for in-app or email. */
async function optedInUsers(db: Db): Promise<number[]> {
  const rows: Array<{ user_id: unknown }> = await db
    .knex("notification_settings as s")
    .join("users as u", "u.id", "s.user_id")
    .whereNull("u.deleted_at")
    .where((q) => q.whereRaw(`s.kinds->'new_match'->>'inApp' = 'true'`).orWhereRaw(`coalesce(s.kinds->'new_match'->>'email', 'off') <> 'off'`))
    .select("s.user_id");
  return rows.map((r) => Number(r.user_id));
}

export const MATCHES_PER_RUN = 5;

/**
 * For each opted-in user: the top of their feed scoring at least their threshold, minus what they
 * were already told about, at most five a run.
 */
export function createNewMatchesJob(deps: { db: Db; matches: MatchSource; notify: Notify; log: Logger }) {
  return async (): Promise<number> => {
    let created = 0;
    for (const userId of await optedInUsers(deps.db)) {
      try {
        const settings = await getSettings(deps.db, userId);
        const top = (await deps.matches.topMatches(userId, 20)).filter((item) => item.score >= settings.matchThreshold);
        const seen = await hasDedupeKeys(deps.db.knex, userId, top.map((item) => `match-${item.id}`));
        for (const item of top.filter((i) => !seen.has(`match-${i.id}`)).slice(0, MATCHES_PER_RUN)) {
          const added = await deps.notify(userId, {
            kind: "new_match",
            title: `New match: ${item.repository.fullName}#${item.number} ${item.title}`,
            body: `${item.reason} (score ${Math.round(item.score * 100)}%)`,
            url: issuePage(item.repository.fullName, item.number),
            data: { issueId: item.id, score: item.score },
            dedupeKey: `match-${item.id}`,
          });
          if (added) created++;
        }
      } catch (error) {
        deps.log.warn({ err: error, userId }, "new matches not checked for this user");
      }
    }
    return created;
  };
}
