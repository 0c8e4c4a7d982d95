import type { Contribution } from "./contribution-store.js";

export interface PortfolioStats {
  totals: { pullRequests: number; repositories: number; additions: number; deletions: number; lines: number };
  streaks: { currentWeeks: number; longestWeeks: number };
  /** lines changed per language, largest first, with its share of all language lines */
  languages: Array<{ language: string; lines: number; share: number; pullRequests: number }>;
  /** the last 12 months (in the user's time zone), oldest first, zeros included */
  perMonth: Array<{ month: string; pullRequests: number }>;
  /** merged PRs per local day (YYYY-MM-DD), for the calendar */
  perDay: Record<string, number>;
  firstContributionAt: string | null;
  topRepositories: Array<{ fullName: string; pullRequests: number; lines: number; stars: number | null }>;
  timeZone: string;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A valid IANA zone, or UTC for anything else (a preference could hold an old or bad value). */
export function safeTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

/** The calendar day (YYYY-MM-DD) an instant falls on in a time zone. */
export function localDay(at: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(at);
}

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;

/** Weeks start on Monday (ISO 8601); a week is named by its Monday, as a day number. */
export function weekOf(day: string): number {
  const n = dayNumber(day);
  // Day 0 (1970-01-01) was a Thursday: +3 makes Monday 0.
  return n - ((((n + 3) % 7) + 7) % 7);
}

function streaks(weeks: Set<number>, thisWeek: number): { currentWeeks: number; longestWeeks: number } {
  const sorted = [...weeks].sort((a, b) => a - b);
  let longest = 0;
  let run = 0;
  for (let i = 0; i < sorted.length; i++) {
    run = i > 0 && sorted[i]! - sorted[i - 1]! === 7 ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  // This week may still get its PR: a streak is current while it reaches last week.
  let current = 0;
  let week = weeks.has(thisWeek) ? thisWeek : thisWeek - 7;
  while (weeks.has(week)) {
    current += 1;
    week -= 7;
  }
  return { currentWeeks: current, longestWeeks: longest };
}

function lastMonths(today: string, count: number): string[] {
  let year = Number(today.slice(0, 4));
  let month = Number(today.slice(5, 7));
  const months: string[] = [];
  for (let i = 0; i < count; i++) {
    months.unshift(`${year}-${String(month).padStart(2, "0")}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return months;
}

export function computeStats(contributions: Contribution[], options: { timeZone?: string | null; now: Date }): PortfolioStats {
  const timeZone = safeTimeZone(options.timeZone);
  const repos = new Map<string, { pullRequests: number; lines: number; stars: number | null }>();
  const languages = new Map<string, { lines: number; pullRequests: number }>();
  const perDay: Record<string, number> = {};
  const weeks = new Set<number>();
  let additions = 0;
  let deletions = 0;
  let first: Date | null = null;
  for (const c of contributions) {
    additions += c.additions ?? 0;
    deletions += c.deletions ?? 0;
    const lines = (c.additions ?? 0) + (c.deletions ?? 0);
    const repo = repos.get(c.repoFullName) ?? { pullRequests: 0, lines: 0, stars: null };
    repo.pullRequests += 1;
    repo.lines += lines;
    repo.stars = c.repoStars ?? repo.stars;
    repos.set(c.repoFullName, repo);
    for (const [language, n] of Object.entries(c.languages)) {
      const entry = languages.get(language) ?? { lines: 0, pullRequests: 0 };
      entry.lines += n;
      entry.pullRequests += 1;
      languages.set(language, entry);
    }
    const day = localDay(c.mergedAt, timeZone);
    perDay[day] = (perDay[day] ?? 0) + 1;
    weeks.add(weekOf(day));
    if (!first || c.mergedAt < first) first = c.mergedAt;
  }
  const languageLines = [...languages.values()].reduce((sum, l) => sum + l.lines, 0);
  const today = localDay(options.now, timeZone);
  const perMonthCounts = new Map<string, number>();
  for (const [day, n] of Object.entries(perDay)) perMonthCounts.set(day.slice(0, 7), (perMonthCounts.get(day.slice(0, 7)) ?? 0) + n);
  return {
    totals: { pullRequests: contributions.length, repositories: repos.size, additions, deletions, lines: additions + deletions },
    streaks: streaks(weeks, weekOf(today)),
    languages: [...languages]
      .map(([language, l]) => ({ language, lines: l.lines, pullRequests: l.pullRequests, share: languageLines > 0 ? l.lines / languageLines : 0 }))
      .sort((a, b) => b.lines - a.lines || a.language.localeCompare(b.language)),
    perMonth: lastMonths(today, 12).map((month) => ({ month, pullRequests: perMonthCounts.get(month) ?? 0 })),
    perDay,
    firstContributionAt: first ? first.toISOString() : null,
    topRepositories: [...repos]
      .map(([fullName, r]) => ({ fullName, ...r }))
      .sort((a, b) => b.pullRequests - a.pullRequests || b.lines - a.lines || a.fullName.localeCompare(b.fullName))
      .slice(0, 5),
    timeZone,
  };
}
