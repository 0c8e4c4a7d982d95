import { describe, expect, it } from "vitest";
import { computeStats, localDay, safeTimeZone, weekOf } from "../../src/portfolio/compute-stats.js";
import type { Contribution } from "../../src/portfolio/contribution-store.js";

let nextId = 1;
function pr(mergedAt: string, repo = "octo/lib", extra: Partial<Contribution> = {}): Contribution {
  const id = nextId++;
  return {
    id,
    githubPrId: id,
    repoFullName: repo,
    prNumber: id,
    title: `PR ${id}`,
    url: `https://github.com/${repo}/pull/${id}`,
    mergedAt: new Date(mergedAt),
    additions: 10,
    deletions: 5,
    changedFiles: 1,
    languages: {},
    skillTags: [],
    source: "webhook",
    isPrivate: false,
    firstInRepo: false,
    repoDescription: null,
    repoStars: null,
    repoTopics: [],
    enrichedAt: null,
    ...extra,
  };
}

describe("weeks and days in the user's time zone", () => {
  it("weeks start on Monday: Sunday 2024-03-10 and Monday 2024-03-11 are in different weeks", () => {
    expect(weekOf("2024-03-10")).toBe(weekOf("2024-03-04"));
    expect(weekOf("2024-03-11")).toBe(weekOf("2024-03-17"));
    expect(weekOf("2024-03-11") - weekOf("2024-03-10")).toBe(7);
    // 2024-03-04 is a Monday: its week is named by itself.
    expect(weekOf("2024-03-04")).toBe(Date.parse("2024-03-04T00:00:00Z") / 86_400_000);
  });

  it("a merge late on Sunday in UTC is already Monday in Tokyo and still Sunday in New York", () => {
    const at = new Date("2024-03-10T23:30:00Z");
    expect(localDay(at, "UTC")).toBe("2024-03-10");
    expect(localDay(at, "Asia/Tokyo")).toBe("2024-03-11");
    expect(localDay(new Date("2024-03-11T03:00:00Z"), "America/New_York")).toBe("2024-03-10");
  });

  it("an unknown or hostile time zone falls back to UTC", () => {
    expect(safeTimeZone("Mars/Olympus")).toBe("UTC");
    expect(safeTimeZone("<script>")).toBe("UTC");
    expect(safeTimeZone(null)).toBe("UTC");
    expect(safeTimeZone("Europe/Paris")).toBe("Europe/Paris");
  });
});

describe("streaks", () => {
  // Weeks (Mondays) 2024: Jan 1, Jan 8, Jan 15 | gap Jan 22 | Jan 29, Feb 5 | gap | Feb 19 (this week)
  const prs = [
    pr("2024-01-02T10:00:00Z"),
    pr("2024-01-07T22:00:00Z"), // Sunday: still the week of Jan 1 in UTC
    pr("2024-01-08T09:00:00Z"),
    pr("2024-01-20T12:00:00Z"),
    pr("2024-01-29T12:00:00Z"),
    pr("2024-02-06T12:00:00Z"),
    pr("2024-02-19T08:00:00Z"),
  ];

  it("longest is 3 weeks (Jan 1–21) and current is 1 week when this week has a PR after a gap", () => {
    const stats = computeStats(prs, { timeZone: "UTC", now: new Date("2024-02-21T12:00:00Z") });
    expect(stats.streaks).toEqual({ currentWeeks: 1, longestWeeks: 3 });
  });

  it("the current streak survives a week that has not had its PR yet", () => {
    const stats = computeStats(prs.slice(0, 6), { timeZone: "UTC", now: new Date("2024-02-12T08:00:00Z") });
    // Week of Feb 12 is empty so far; Jan 29 and Feb 5 carry the streak.
    expect(stats.streaks).toEqual({ currentWeeks: 2, longestWeeks: 3 });
    const broken = computeStats(prs.slice(0, 6), { timeZone: "UTC", now: new Date("2024-02-19T08:00:00Z") });
    expect(broken.streaks.currentWeeks).toBe(0);
  });

  it("time zones move a Sunday-night merge into the next week and can join two streaks", () => {
    // 2024-01-21T23:30Z is Sunday in UTC (week of Jan 15) but Monday Jan 22 in Tokyo.
    const edge = [pr("2024-01-15T12:00:00Z"), pr("2024-01-21T23:30:00Z"), pr("2024-01-29T12:00:00Z")];
    const now = new Date("2024-01-30T12:00:00Z");
    expect(computeStats(edge, { timeZone: "UTC", now }).streaks).toEqual({ currentWeeks: 1, longestWeeks: 1 });
    expect(computeStats(edge, { timeZone: "Asia/Tokyo", now }).streaks).toEqual({ currentWeeks: 3, longestWeeks: 3 });
  });

  it("no contributions: zero streaks, no first date", () => {
    const stats = computeStats([], { timeZone: "UTC", now: new Date("2024-02-21T12:00:00Z") });
    expect(stats.streaks).toEqual({ currentWeeks: 0, longestWeeks: 0 });
    expect(stats.firstContributionAt).toBeNull();
    expect(stats.totals).toEqual({ pullRequests: 0, repositories: 0, additions: 0, deletions: 0, lines: 0 });
  });
});

describe("totals, languages, months and repositories", () => {
  const prs = [
    pr("2023-12-31T23:30:00Z", "a/one", { additions: 100, deletions: 20, languages: { TypeScript: 90, CSS: 30 }, repoStars: 5 }),
    pr("2024-01-15T10:00:00Z", "a/one", { additions: 10, deletions: 0, languages: { TypeScript: 10 }, repoStars: 6 }),
    pr("2024-02-01T10:00:00Z", "b/two", { additions: 30, deletions: 30, languages: { Go: 60 } }),
    pr("2024-02-02T10:00:00Z", "c/three", { additions: null, deletions: null, languages: {} }),
  ];
  const stats = computeStats(prs, { timeZone: "Europe/Paris", now: new Date("2024-02-20T12:00:00Z") });

  it("adds lines and counts distinct repositories; unenriched PRs count as PRs with no lines", () => {
    expect(stats.totals).toEqual({ pullRequests: 4, repositories: 3, additions: 140, deletions: 50, lines: 190 });
  });

  it("breaks languages down by lines with shares summing to 1", () => {
    expect(stats.languages).toEqual([
      { language: "TypeScript", lines: 100, pullRequests: 2, share: 100 / 190 },
      { language: "Go", lines: 60, pullRequests: 1, share: 60 / 190 },
      { language: "CSS", lines: 30, pullRequests: 1, share: 30 / 190 },
    ]);
  });

  it("counts months in the user's zone: a New Year's Eve merge at 23:30 UTC is January in Paris", () => {
    expect(stats.perMonth).toHaveLength(12);
    expect(stats.perMonth.at(-1)).toEqual({ month: "2024-02", pullRequests: 2 });
    expect(stats.perMonth.at(-2)).toEqual({ month: "2024-01", pullRequests: 2 });
    expect(stats.perMonth.at(-3)).toEqual({ month: "2023-12", pullRequests: 0 });
    expect(stats.perMonth[0]!.month).toBe("2023-03");
    expect(stats.perDay["2024-01-01"]).toBe(1);
  });

  it("names the first contribution and the top repositories by PRs then lines", () => {
    expect(stats.firstContributionAt).toBe("2023-12-31T23:30:00.000Z");
    expect(stats.topRepositories).toEqual([
      { fullName: "a/one", pullRequests: 2, lines: 130, stars: 6 },
      { fullName: "b/two", pullRequests: 1, lines: 60, stars: null },
      { fullName: "c/three", pullRequests: 1, lines: 0, stars: null },
    ]);
  });
});
