export interface LocalTime {
  /** YYYY-MM-DD in the zone */
  date: string;
  hour: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday */
  weekday: number;
  /** ISO week, e.g. 2026-W48 */
  week: string;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23", weekday: "short" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const weekday = WEEKDAYS[parts.weekday!] ?? 1;
  // ISO week: the week belongs to the year of its Thursday.
  const day = new Date(`${date}T00:00:00Z`);
  const thursday = new Date(day.getTime() + (4 - weekday) * 86_400_000);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const weekNumber = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return { date, hour: Number(parts.hour) % 24, weekday, week: `${thursday.getUTCFullYear()}-W${String(weekNumber).padStart(2, "0")}` };
}

/**
 * The digest period due now, or null when it is not yet time. A daily digest is due from the
 * chosen local hour of each day; a weekly one from that hour of the chosen weekday until the
 * week ends. At most one digest goes out per period (the period key is unique per user).
 */
export function duePeriod(frequency: "daily" | "weekly", at: Date, settings: { timezone: string; digestHour: number; weeklyDay: number }): string | null {
  const local = localTime(at, settings.timezone);
  if (frequency === "daily") return local.hour >= settings.digestHour ? `daily:${local.date}` : null;
  const due = local.weekday > settings.weeklyDay || (local.weekday === settings.weeklyDay && local.hour >= settings.digestHour);
  return due ? `weekly:${local.week}` : null;
}
