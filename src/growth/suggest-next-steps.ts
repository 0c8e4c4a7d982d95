import type { FeedItem, MatchingService } from "../matching/matching-service.js";
import { getPreferences } from "../users/index.js";
import type { Db } from "../db/types.js";
import { DIFFICULTIES, LEVELS, type Difficulty } from "./levels.js";
import type { GrowthState } from "./recompute-growth.js";

export type SuggestionKind = "first_step" | "stretch" | "goal_skill" | "become_regular";

export interface Suggestion {
  kind: SuggestionKind;
  reason: string;
  issue: { id: number; number: number; title: string; url: string; repository: string; difficulty: string; workKind: string | null; labels: string[] };
}

export interface NextSteps {
  level: { level: number; name: string };
  /** the level these steps lead toward */
  towards: { level: number; name: string } | null;
  /** the difficulty one step above the work merged so far */
  targetDifficulty: Difficulty;
  suggestions: Suggestion[];
}

const MAX_PER_KIND = 3;
const MAX_GOALS = 3;
const MAX_REPOSITORIES = 3;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const toIssue = (item: FeedItem): Suggestion["issue"] => ({
  id: item.id,
  number: item.number,
  title: item.title,
  url: item.url,
  repository: item.repository.fullName,
  difficulty: item.difficulty,
  workKind: item.workKind,
  labels: item.labels,
});

/** The difficulty merged most often (ties: the harder), or null with no merges. */
export function usualDifficulty(counts: Record<string, number>): Difficulty | null {
  let best: Difficulty | null = null;
  for (const d of DIFFICULTIES) if ((counts[d] ?? 0) > 0 && (best === null || (counts[d] ?? 0) >= (counts[best] ?? 0))) best = d;
  return best;
}

/**
 * One step above where the user is: issues of the next difficulty up from the matching feed,
 * issues in a skill they want to learn, and open issues in repositories they already merged into.
 * Every issue comes from the feed, which never holds a taken, claimed or not-ready issue.
 */
export async function suggestNextSteps(deps: { db: Db; matching: Pick<MatchingService, "feed"> }, userId: number, state: GrowthState): Promise<NextSteps> {
  const usual = usualDifficulty(state.details.difficulties);
  const target: Difficulty = usual === null ? "beginner" : (DIFFICULTIES[Math.min(DIFFICULTIES.length - 1, DIFFICULTIES.indexOf(usual) + 1)] ?? "advanced");
  const seen = new Set<number>();
  const suggestions: Suggestion[] = [];
  const add = (kind: SuggestionKind, item: FeedItem, reason: string) => {
    if (seen.has(item.id)) return false;
    seen.add(item.id);
    suggestions.push({ kind, reason, issue: toIssue(item) });
    return true;
  };
  const feed = async (query: Parameters<MatchingService["feed"]>[1]) => {
    try {
      return (await deps.matching.feed(userId, query)).items;
    } catch {
      // A goal or repository name the feed's filters refuse just yields nothing.
      return [];
    }
  };

  const general = await feed({ limit: 50 });
  let taken = 0;
  for (const item of general) {
    if (taken >= MAX_PER_KIND || item.difficulty !== target) continue;
    const reason =
      usual === null
        ? `A beginner-friendly issue for your first merged pull request. ${item.reason}.`
        : usual === target
          ? `Another ${target} issue: you have already merged ${target} work, and more of it builds toward the next level. ${item.reason}.`
          : `A ${target} issue, one step above the ${usual} work you have merged so far (${plural(state.details.difficulties[usual] ?? 0, "pull request")}). ${item.reason}.`;
    if (add(usual === null ? "first_step" : "stretch", item, reason)) taken += 1;
  }

  const goals = (await getPreferences(deps.db, userId)).goals.learn.slice(0, MAX_GOALS);
  for (const goal of goals) {
    for (const item of await feed({ language: goal, limit: 5 })) {
      if (add("goal_skill", item, `Practises ${goal}, one of your learning goals, at ${item.difficulty} level in ${item.repository.fullName}.`)) break;
    }
  }

  const perRepository = new Map<string, { fullName: string; count: number }>();
  for (const s of state.scored) {
    const key = s.contribution.repoFullName.toLowerCase();
    const entry = perRepository.get(key) ?? { fullName: s.contribution.repoFullName, count: 0 };
    entry.count += 1;
    perRepository.set(key, entry);
  }
  const repositories = [...perRepository.values()].sort((a, b) => b.count - a.count || a.fullName.localeCompare(b.fullName)).slice(0, MAX_REPOSITORIES);
  for (const repository of repositories) {
    for (const item of await feed({ repo: repository.fullName, limit: 5 })) {
      const reason =
        repository.count >= 3
          ? `You have merged ${plural(repository.count, "pull request")} in ${repository.fullName}: keep going and you are one of its regulars.`
          : `You have merged ${plural(repository.count, "pull request")} in ${repository.fullName}; a ${repository.count === 1 ? "second" : "third"} one there is how contributors become regulars.`;
      if (add("become_regular", item, reason)) break;
    }
  }

  const next = LEVELS.find((l) => l.level === state.level.level + 1) ?? null;
  return {
    level: { level: state.level.level, name: state.level.name },
    towards: next ? { level: next.level, name: next.name } : null,
    targetDifficulty: target,
    suggestions,
  };
}
