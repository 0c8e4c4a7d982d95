/** Growth levels and points, as docs/growth.md writes them down. Pure: no database here. */

export type Difficulty = "beginner" | "intermediate" | "advanced";

export interface Level {
  level: number;
  name: string;
  /** every requirement must be met */
  minPoints: number;
  minPullRequests: number;
  minRepositories: number;
}

export const LEVELS: readonly Level[] = [
  { level: 1, name: "Explorer", minPoints: 0, minPullRequests: 0, minRepositories: 0 },
  { level: 2, name: "First-timer", minPoints: 10, minPullRequests: 1, minRepositories: 1 },
  { level: 3, name: "Contributor", minPoints: 100, minPullRequests: 3, minRepositories: 1 },
  { level: 4, name: "Regular", minPoints: 300, minPullRequests: 8, minRepositories: 2 },
  { level: 5, name: "Maintainer-track", minPoints: 800, minPullRequests: 20, minRepositories: 3 },
];

export const DIFFICULTIES: readonly Difficulty[] = ["beginner", "intermediate", "advanced"];

export const POINTS = {
  perPullRequest: 10,
  /** one point per this many lines changed (additions + deletions), at most `maxLinePoints` */
  linesPerPoint: 50,
  maxLinePoints: 10,
  /** one point per changed file beyond the first, at most `maxFilePoints` */
  maxFilePoints: 5,
  difficulty: { beginner: 0, intermediate: 10, advanced: 20 } as Record<Difficulty, number>,
  perRepository: 15,
} as const;

/** What a contribution is worth once its size and the difficulty of what it solved are known. */
export interface ScoredInput {
  additions: number | null;
  deletions: number | null;
  changedFiles: number | null;
  /** of the hardest indexed issue it closed; null when it closed none we know */
  solvedDifficulty: Difficulty | null;
}

/** No indexed issue to ask: the size of the change says how hard it was. */
export function difficultyBySize(lines: number, files: number): Difficulty {
  if (lines <= 100 && files <= 3) return "beginner";
  if (lines <= 500 && files <= 15) return "intermediate";
  return "advanced";
}

export function difficultyOf(input: ScoredInput): { difficulty: Difficulty; source: "issue" | "size" } {
  if (input.solvedDifficulty) return { difficulty: input.solvedDifficulty, source: "issue" };
  const lines = (input.additions ?? 0) + (input.deletions ?? 0);
  return { difficulty: difficultyBySize(lines, input.changedFiles ?? 0), source: "size" };
}

export function pointsOf(input: ScoredInput): number {
  const lines = (input.additions ?? 0) + (input.deletions ?? 0);
  const files = input.changedFiles ?? 0;
  const linePoints = Math.min(POINTS.maxLinePoints, Math.floor(lines / POINTS.linesPerPoint));
  const filePoints = Math.min(POINTS.maxFilePoints, Math.max(0, files - 1));
  return POINTS.perPullRequest + linePoints + filePoints + POINTS.difficulty[difficultyOf(input).difficulty];
}

export interface LevelResult {
  level: number;
  name: string;
  points: number;
  pullRequests: number;
  repositories: number;
  /** 0–1: the mean of how far each requirement of the next level is reached from this one's */
  progress: number;
  next: { level: number; name: string; minPoints: number; minPullRequests: number; minRepositories: number } | null;
}

export function levelFor(totals: { points: number; pullRequests: number; repositories: number }): LevelResult {
  const meets = (l: Level) => totals.points >= l.minPoints && totals.pullRequests >= l.minPullRequests && totals.repositories >= l.minRepositories;
  let current = LEVELS[0]!;
  for (const l of LEVELS) if (meets(l)) current = l;
  const next = LEVELS.find((l) => l.level === current.level + 1) ?? null;
  let progress = 1;
  if (next) {
    const part = (value: number, from: number, to: number) => (to <= from ? 1 : Math.max(0, Math.min(1, (value - from) / (to - from))));
    progress =
      (part(totals.points, current.minPoints, next.minPoints) +
        part(totals.pullRequests, current.minPullRequests, next.minPullRequests) +
        part(totals.repositories, current.minRepositories, next.minRepositories)) /
      3;
    // Never 100 % before the level is actually reached.
    progress = Math.min(progress, 0.99);
  }
  return { level: current.level, name: current.name, ...totals, progress: Math.round(progress * 1000) / 1000, next: next ? { ...next } : null };
}

export const levelName = (level: number) => LEVELS.find((l) => l.level === level)?.name ?? LEVELS[0]!.name;
