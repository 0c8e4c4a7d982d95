import type { Knex } from "knex";
import { z } from "zod";
import type { Db } from "../db/types.js";
import { getPreferences, getUser } from "../users/index.js";
import { EMAIL_MODES, KINDS, type EmailMode, type Kind } from "./kinds.js";

export interface KindSetting {
  inApp: boolean;
  email: EmailMode;
}

/** A user's notification settings with every default filled in. */
export interface NotificationSettings {
  kinds: Record<Kind, KindSetting>;
  /** new-match notifications only for feed items scoring at least this (0–1) */
  matchThreshold: number;
  /** local hour (0–23) at which digests go out */
  digestHour: number;
  /** ISO weekday (1 = Monday … 7 = Sunday) of the weekly digest */
  weeklyDay: number;
  /** the time zone digests follow */
  timezone: string;
  /** true when no zone was set here and the profile's is used */
  timezoneFromProfile: boolean;
}

export const DEFAULT_MATCH_THRESHOLD = 0.7;
export const DEFAULT_DIGEST_HOUR = 8;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const kindSettingPatch = z.object({ inApp: z.boolean(), email: z.enum(EMAIL_MODES) }).partial().strict();

/** PUT body: every field optional; unknown kinds and fields are refused by name. */
export const settingsPatchSchema = z
  .object({
    kinds: z.partialRecord(z.enum(KINDS), kindSettingPatch).refine((v) => Object.keys(v).every((k) => (KINDS as readonly string[]).includes(k)), {
      message: `kinds are ${KINDS.join(", ")}`,
    }),
    matchThreshold: z.number().min(0, "matchThreshold is between 0 and 1").max(1, "matchThreshold is between 0 and 1"),
    digestHour: z.number().int("digestHour is a whole hour").min(0, "digestHour is between 0 and 23").max(23, "digestHour is between 0 and 23"),
    weeklyDay: z.number().int().min(1, "weeklyDay is 1 (Monday) to 7 (Sunday)").max(7, "weeklyDay is 1 (Monday) to 7 (Sunday)"),
    timezone: z
      .string()
      .max(64, "expected an IANA time zone such as Europe/Paris")
      .refine(isTimeZone, "expected an IANA time zone such as Europe/Paris")
      .nullable(),
  })
  .partial()
  .strict();

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

interface SettingsRow {
  kinds: Partial<Record<string, Partial<KindSetting>>>;
  match_threshold: number;
  digest_hour: number;
  weekly_day: number;
  timezone: string | null;
}

/**
 * Without a row of its own, a user's settings follow their general preferences: in-app as their
 * in-app channel says, email as their digest says when the email channel is on. New matches are
 * opt-in: off until chosen here.
 */
export async function getSettings(db: Db, userId: number): Promise<NotificationSettings> {
  const [row, preferences] = await Promise.all([
    db.knex("notification_settings").where({ user_id: userId }).first() as Promise<SettingsRow | undefined>,
    getPreferences(db, userId),
  ]);
  const { channels, digest } = preferences.notifications;
  const email: EmailMode = channels.email && digest !== "off" ? digest : "off";
  const kinds = {} as Record<Kind, KindSetting>;
  for (const kind of KINDS) {
    const fallback: KindSetting = kind === "new_match" ? { inApp: false, email: "off" } : { inApp: channels.inApp, email };
    const stored = row?.kinds[kind] ?? {};
    kinds[kind] = {
      inApp: typeof stored.inApp === "boolean" ? stored.inApp : fallback.inApp,
      email: stored.email && (EMAIL_MODES as readonly string[]).includes(stored.email) ? stored.email : fallback.email,
    };
  }
  const ownZone = row?.timezone && isTimeZone(row.timezone) ? row.timezone : null;
  return {
    kinds,
    matchThreshold: row ? Number(row.match_threshold) : DEFAULT_MATCH_THRESHOLD,
    digestHour: row?.digest_hour ?? DEFAULT_DIGEST_HOUR,
    weeklyDay: row?.weekly_day ?? 1,
    timezone: ownZone ?? (isTimeZone(preferences.timezone) ? preferences.timezone : "UTC"),
    timezoneFromProfile: ownZone === null,
  };
}

async function save(knex: Knex, userId: number, next: NotificationSettings): Promise<void> {
  await knex("notification_settings")
    .insert({
      user_id: userId,
      kinds: JSON.stringify(next.kinds),
      match_threshold: next.matchThreshold,
      digest_hour: next.digestHour,
      weekly_day: next.weeklyDay,
      timezone: next.timezoneFromProfile ? null : next.timezone,
    })
    .onConflict("user_id")
    .merge();
}

/** Applies a validated patch over the current settings (kinds merged field by field). */
export async function updateSettings(db: Db, userId: number, patch: SettingsPatch): Promise<NotificationSettings> {
  const current = await getSettings(db, userId);
  const kinds = { ...current.kinds };
  for (const [kind, change] of Object.entries(patch.kinds ?? {}) as Array<[Kind, Partial<KindSetting> | undefined]>) {
    kinds[kind] = { ...kinds[kind], ...change };
  }
  const next: NotificationSettings = {
    kinds,
    matchThreshold: patch.matchThreshold ?? current.matchThreshold,
    digestHour: patch.digestHour ?? current.digestHour,
    weeklyDay: patch.weeklyDay ?? current.weeklyDay,
    timezone: patch.timezone === undefined ? current.timezone : (patch.timezone ?? current.timezone),
    timezoneFromProfile: patch.timezone === undefined ? current.timezoneFromProfile : patch.timezone === null,
  };
  await save(db.knex, userId, next);
  return getSettings(db, userId);
}

/** Turns email off for the given kinds (all of them for "all"); what an unsubscribe link does. */
export async function unsubscribe(db: Db, userId: number, kinds: Kind[] | "all"): Promise<NotificationSettings | null> {
  // An account deleted since the email went out has nothing left to unsubscribe from.
  if (!(await getUser(db, userId))) return null;
  const targets = kinds === "all" ? [...KINDS] : kinds;
  return updateSettings(db, userId, { kinds: Object.fromEntries(targets.map((k) => [k, { email: "off" as const }])) });
}
