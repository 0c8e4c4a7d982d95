import type { Knex } from "knex";
import { z } from "zod";

export const COMFORT_LEVELS = ["first_contribution", "beginner", "intermediate", "experienced"] as const;
export const WORK_KINDS = ["docs", "bugs", "features", "tests"] as const;
export const DIGEST_FREQUENCIES = ["off", "daily", "weekly"] as const;
export const DIFFICULTIES = ["any", "beginner", "intermediate", "advanced"] as const;

/** What a contributor told us about themselves; read by the feed, notifications and growth. */
export interface Preferences {
  comfortLevel: (typeof COMFORT_LEVELS)[number] | null;
  /** issue difficulty the feed prefers; follows the comfort level unless set explicitly */
  difficulty: (typeof DIFFICULTIES)[number];
  goals: { learn: string[]; workKinds: Array<(typeof WORK_KINDS)[number]> };
  hoursPerWeek: number | null;
  languages: { include: string[]; exclude: string[] };
  domains: { include: string[]; exclude: string[] };
  notifications: { channels: { inApp: boolean; email: boolean }; digest: (typeof DIGEST_FREQUENCIES)[number] };
  timezone: string;
}

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9.+#][a-z0-9.+#_ -]{0,39}$/, "expected a skill name such as typescript, c++ or data-science (at most 40 characters)");
const slugList = z.array(slug).max(50, "at most 50 entries").transform((list) => [...new Set(list)]);
const includeExclude = z
  .object({ include: slugList, exclude: slugList })
  .partial()
  .strict()
  .refine((v) => !(v.include ?? []).some((s) => (v.exclude ?? []).includes(s)), "the same entry cannot be both included and excluded");

const timezone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, "expected an IANA time zone such as Europe/Paris");

/** PATCH body: every field optional, unknown fields rejected by name. */
export const preferencesPatchSchema = z
  .object({
    comfortLevel: z.enum(COMFORT_LEVELS),
    difficulty: z.enum(DIFFICULTIES),
    goals: z.object({ learn: slugList, workKinds: z.array(z.enum(WORK_KINDS)).max(4).transform((l) => [...new Set(l)]) }).partial().strict(),
    hoursPerWeek: z.number().int().min(0).max(168).nullable(),
    languages: includeExclude,
    domains: includeExclude,
    notifications: z
      .object({
        channels: z.object({ inApp: z.boolean(), email: z.boolean() }).partial().strict(),
        digest: z.enum(DIGEST_FREQUENCIES),
      })
      .partial()
      .strict(),
    timezone,
  })
  .partial()
  .strict();

export type PreferencesPatch = z.infer<typeof preferencesPatchSchema>;

const difficultyForComfort: Record<(typeof COMFORT_LEVELS)[number], Preferences["difficulty"]> = {
  first_contribution: "beginner",
  beginner: "beginner",
  intermediate: "intermediate",
  experienced: "any",
};

interface PreferencesRow {
  comfort_level: Preferences["comfortLevel"];
  difficulty: Preferences["difficulty"];
  learning_goals: string[];
  work_kinds: Preferences["goals"]["workKinds"];
  hours_per_week: number | null;
  languages: string[];
  exclude_languages: string[];
  domains: string[];
  exclude_domains: string[];
  email_digest: Preferences["notifications"]["digest"];
  notification_settings: { channels?: Partial<Preferences["notifications"]["channels"]> };
  timezone: string;
}

function toPreferences(row: PreferencesRow | undefined): Preferences {
  const channels = row?.notification_settings.channels ?? {};
  return {
    comfortLevel: row?.comfort_level ?? null,
    difficulty: row?.difficulty ?? "any",
    goals: { learn: row?.learning_goals ?? [], workKinds: row?.work_kinds ?? [] },
    hoursPerWeek: row?.hours_per_week ?? null,
    languages: { include: row?.languages ?? [], exclude: row?.exclude_languages ?? [] },
    domains: { include: row?.domains ?? [], exclude: row?.exclude_domains ?? [] },
    notifications: { channels: { inApp: channels.inApp ?? true, email: channels.email ?? false }, digest: row?.email_digest ?? "off" },
    timezone: row?.timezone ?? "UTC",
  };
}

export async function getPreferences(knex: Knex, userId: number): Promise<Preferences> {
  return toPreferences(await knex("user_preferences").where({ user_id: userId }).first());
}

/** Applies a validated patch; lists are replaced whole, nested objects merged field by field. */
export async function updatePreferences(knex: Knex, userId: number, patch: PreferencesPatch): Promise<Preferences> {
  const current = await getPreferences(knex, userId);
  const next: Preferences = {
    comfortLevel: patch.comfortLevel ?? current.comfortLevel,
    difficulty: patch.difficulty ?? (patch.comfortLevel ? difficultyForComfort[patch.comfortLevel] : current.difficulty),
    goals: { ...current.goals, ...patch.goals },
    hoursPerWeek: patch.hoursPerWeek === undefined ? current.hoursPerWeek : patch.hoursPerWeek,
    languages: { ...current.languages, ...patch.languages },
    domains: { ...current.domains, ...patch.domains },
    notifications: {
      channels: { ...current.notifications.channels, ...patch.notifications?.channels },
      digest: patch.notifications?.digest ?? current.notifications.digest,
    },
    timezone: patch.timezone ?? current.timezone,
  };
  for (const [name, pair] of [["languages", next.languages], ["domains", next.domains]] as const) {
    const both = pair.include.filter((s) => pair.exclude.includes(s));
    if (both.length > 0) throw new z.ZodError([{ code: "custom", path: [name], message: `${both.join(", ")} cannot be both included and excluded`, input: pair }]);
  }
  const row = {
    user_id: userId,
    comfort_level: next.comfortLevel,
    difficulty: next.difficulty,
    learning_goals: next.goals.learn,
    work_kinds: next.goals.workKinds,
    hours_per_week: next.hoursPerWeek,
    languages: next.languages.include,
    exclude_languages: next.languages.exclude,
    domains: next.domains.include,
    exclude_domains: next.domains.exclude,
    email_digest: next.notifications.digest,
    notification_settings: JSON.stringify({ channels: next.notifications.channels }),
    timezone: next.timezone,
  };
  await knex("user_preferences").insert(row).onConflict("user_id").merge();
  return next;
}
