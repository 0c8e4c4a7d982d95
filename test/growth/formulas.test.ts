import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LEVELS, levelFor, pointsOf } from "../../src/growth/levels.js";
import { computeRadar } from "../../src/growth/radar.js";

const doc = readFileSync(path.resolve(import.meta.dirname, "../../docs/growth.md"), "utf8");

describe("the documented formulas", () => {
  it("docs/growth.md lists exactly the level thresholds the calculator uses", () => {
    const rows = [...doc.matchAll(/^\| (\d) \| ([A-Za-z-]+) \| (\d+) \| (\d+) \| (\d+) \|$/gm)].map((m) => ({
      level: Number(m[1]),
      name: m[2],
      minPoints: Number(m[3]),
      minPullRequests: Number(m[4]),
      minRepositories: Number(m[5]),
    }));
    expect(rows).toEqual(LEVELS);
  });

  it("the worked examples in the doc come out as written", () => {
    expect(pointsOf({ additions: 40, deletions: 12, changedFiles: 3, solvedDifficulty: null })).toBe(13);
    expect(pointsOf({ additions: 40, deletions: 12, changedFiles: 3, solvedDifficulty: "advanced" })).toBe(33);
    expect(pointsOf({ additions: 5_000, deletions: 5_000, changedFiles: 300, solvedDifficulty: null })).toBe(10 + 10 + 5 + 20);
    expect(levelFor({ points: 121, pullRequests: 3, repositories: 2 })).toMatchObject({ level: 3, name: "Contributor", progress: 0.368 });
    // One huge PR is not a Regular: every minimum counts.
    expect(levelFor({ points: 5_000, pullRequests: 1, repositories: 1 })).toMatchObject({ level: 2, name: "First-timer" });
    expect(levelFor({ points: 800, pullRequests: 20, repositories: 3 })).toMatchObject({ level: 5, progress: 1, next: null });
    const radar = (n: number) => computeRadar([], Array.from({ length: n }, () => ({ skillTags: ["go"], languages: { Go: 1 }, workKinds: [] })))[0]!.score;
    expect([1, 2, 3, 5].map(radar)).toEqual([0.18, 0.31, 0.39, 0.5]);
    expect(computeRadar([{ skill: "rust", kind: "language", level: 1 }], [])).toEqual([{ skill: "rust", kind: "language", score: 0.4 }]);
  });
});
