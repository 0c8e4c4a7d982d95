import type { Db } from "../../db/types.js";
import { getPreferences, getUserSkills } from "../../users/index.js";
import type { FeedProfile } from "./feed-sql.js";

const WORK_KIND_OF_PREFERENCE: Record<string, string> = { docs: "docs", bugs: "bug", features: "feature", tests: "tests" };
const TARGET_OF_COMFORT: Record<string, number> = { first_contribution: 0, beginner: 0, intermediate: 1, experienced: 2 };
const TARGET_OF_DIFFICULTY: Record<string, number | null> = { any: null, beginner: 0, intermediate: 1, advanced: 2 };

/**
 * The user as the feed sees them, read through the users domain: visible skills with their level
 * (languages they said to include count as known at 0.6 at least), learning goals, preferred kinds
 * of work, excluded languages and the difficulty their comfort level asks for.
 */
export async function buildFeedProfile(db: Db, userId: number): Promise<FeedProfile> {
  const [skills, preferences] = await Promise.all([getUserSkills(db, userId), getPreferences(db, userId)]);
  const levels = new Map(skills.filter((s) => s.kind !== "work_kind").map((s) => [s.skill, s.level]));
  for (const language of preferences.languages.include) levels.set(language, Math.max(levels.get(language) ?? 0, 0.6));
  for (const language of preferences.languages.exclude) levels.delete(language);
  const comfort = preferences.comfortLevel;
  const target = comfort ? TARGET_OF_COMFORT[comfort]! : (TARGET_OF_DIFFICULTY[preferences.difficulty] ?? null);
  return {
    userId,
    skills: [...levels].map(([skill, level]) => ({ skill, level })).slice(0, 30),
    goals: preferences.goals.learn.slice(0, 20),
    workKinds: preferences.goals.workKinds.map((k) => WORK_KIND_OF_PREFERENCE[k]!).filter(Boolean),
    excludeLanguages: preferences.languages.exclude,
    targetDifficulty: target,
    smallWeight: comfort === "first_contribution" ? 0.5 : comfort === "beginner" ? 0.3 : 0,
  };
}
