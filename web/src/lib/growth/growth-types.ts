/** What GET /api/growth/me and /api/growth/suggestions answer (see docs/growth.md). */
export interface RadarAxis {
  skill: string;
  kind: "language" | "framework" | "topic" | "work_kind";
  current: number;
  previous: number;
}

export interface Reflection {
  id: number;
  learned: string | null;
  hard: string | null;
  next: string | null;
  isPublic: boolean;
  contributionId: number | null;
  contribution: { id: number; title: string; url: string; repository: string; mergedAt: string } | null;
  createdAt: string;
}

export interface Growth {
  level: {
    level: number;
    name: string;
    points: number;
    pullRequests: number;
    repositories: number;
    progress: number;
    next: { level: number; name: string; minPoints: number; minPullRequests: number; minRepositories: number } | null;
  };
  history: Array<{ level: number; name: string; points: number; progress: number; recordedAt: string }>;
  radar: {
    period: { from: string; to: string };
    current: { recordedAt: string } | null;
    previous: { recordedAt: string } | null;
    axes: RadarAxis[];
  };
  streak: { currentWeeks: number; longestWeeks: number };
  reflections: Reflection[];
  recentContributions: Array<{ id: number; title: string; url: string; repository: string; difficulty: string; points: number }>;
}

export interface Suggestion {
  kind: "first_step" | "stretch" | "goal_skill" | "become_regular";
  reason: string;
  issue: { id: number; number: number; title: string; url: string; repository: string; difficulty: string; workKind: string | null };
}

export interface NextSteps {
  towards: { level: number; name: string } | null;
  targetDifficulty: string;
  suggestions: Suggestion[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

export function isGrowth(value: unknown): value is Growth {
  return isObject(value) && isObject(value.level) && Array.isArray(value.history) && isObject(value.radar) && Array.isArray((value.radar as { axes?: unknown }).axes) && Array.isArray(value.reflections);
}

export function isNextSteps(value: unknown): value is NextSteps {
  return isObject(value) && Array.isArray(value.suggestions);
}

/** Periods the radar comparison offers, in days. */
export const PERIODS = [30, 90, 180, 365] as const;
