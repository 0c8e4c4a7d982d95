import { describe, expect, it } from "vitest";
import { median, scoreRepositoryHealth } from "../../src/issues/health/score-repository-health.js";

describe("the health formula", () => {
  it("weights commits 0.4, merge rate 0.3 and response 0.3", () => {
    // 70 commits in 91 days = 5.38 a week → 1; 3 of 4 merged → 0.75; median 24 h → 1/(1+0.5) = 0.6667.
    const { score, components } = scoreRepositoryHealth({ windowDays: 91, archived: false, commits: 70, merged: 3, closedUnmerged: 1, responseHours: [1, 24, 100] });
    expect(components).toMatchObject({ commitsPerWeek: 5.3846, commitScore: 1, mergeRate: 0.75, medianResponseHours: 24, responseScore: 0.6667 });
    expect(score).toBe(0.825);
  });

  it("leaves out what is unknown and re-weights what is known", () => {
    // Only commits known: 13 in 91 days = 1 a week → 0.2, which is the whole score.
    expect(scoreRepositoryHealth({ windowDays: 91, archived: false, commits: 13, merged: 0, closedUnmerged: 0, responseHours: [] }).score).toBe(0.2);
    expect(scoreRepositoryHealth({ windowDays: 91, archived: false, commits: 13, merged: null, closedUnmerged: null, responseHours: null }).components.mergeRate).toBeNull();
  });

  it("an archived repository scores 0 and has no commit frequency", () => {
    const { score, components } = scoreRepositoryHealth({ windowDays: 90, archived: true, commits: 500, merged: 10, closedUnmerged: 0, responseHours: [1] });
    expect(score).toBe(0);
    expect(components.commitsPerWeek).toBe(0);
  });

  it("takes the median of an even sample as the mean of the middle two", () => {
    expect(median([10, 2, 4, 8])).toBe(6);
    expect(median([])).toBeNull();
  });
});
