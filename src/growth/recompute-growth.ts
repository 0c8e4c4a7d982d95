import type { Knex } from "knex";
import type { Db } from "../db/types.js";
import type { MatchingService } from "../matching/matching-service.js";
import type { OwnedContribution, PortfolioService } from "../portfolio/portfolio-service.js";
import { getUserSkills } from "../users/index.js";
import { insertGrowthRecord, insertRadar, latestGrowthRecord, radarAt, type GrowthDetails } from "./growth-store.js";
import { DIFFICULTIES, difficultyOf, levelFor, pointsOf, POINTS, type Difficulty, type LevelResult } from "./levels.js";
import { computeRadar, sameRadar, type RadarKind, type RadarScore } from "./radar.js";

export interface GrowthEngineDeps {
  db: Db;
  now: () => Date;
  portfolio: Pick<PortfolioService, "contributionsOf">;
  matching: Pick<MatchingService, "solvedIssues">;
}

export interface ScoredContribution {
  contribution: OwnedContribution;
  difficulty: Difficulty;
  difficultySource: "issue" | "size";
  points: number;
  workKinds: string[];
}

export interface GrowthState {
  level: LevelResult;
  details: GrowthDetails;
  radar: RadarScore[];
  scored: ScoredContribution[];
}

const rank = (d: Difficulty) => DIFFICULTIES.indexOf(d);

/** Every merged contribution of the user with its difficulty and points. */
export async function scoreContributions(deps: GrowthEngineDeps, userId: number): Promise<ScoredContribution[]> {
  const contributions = await deps.portfolio.contributionsOf(userId);
  const solvedByPr = await deps.matching.solvedIssues(contributions.map((c) => ({ repositoryId: c.repositoryId, prNumber: c.prNumber })));
  const scored: ScoredContribution[] = [];
  for (const c of contributions) {
    const solved = solvedByPr.get(`${c.repositoryId}#${c.prNumber}`) ?? [];
    const hardest = solved.reduce<Difficulty | null>((max, s) => (max === null || rank(s.difficulty) > rank(max) ? s.difficulty : max), null);
    const input = { additions: c.additions, deletions: c.deletions, changedFiles: c.changedFiles, solvedDifficulty: hardest };
    const { difficulty, source } = difficultyOf(input);
    scored.push({ contribution: c, difficulty, difficultySource: source, points: pointsOf(input), workKinds: solved.map((s) => s.workKind).filter((k): k is string => k !== null) });
  }
  return scored;
}

/** Level and radar from what is stored now, without writing anything. */
export async function computeGrowth(deps: GrowthEngineDeps, userId: number, contributionId: number | null = null): Promise<GrowthState> {
  const scored = await scoreContributions(deps, userId);
  const repositories = new Set(scored.map((s) => s.contribution.repositoryId)).size;
  const points = scored.reduce((sum, s) => sum + s.points, 0) + POINTS.perRepository * repositories;
  const level = levelFor({ points, pullRequests: scored.length, repositories });
  const difficulties: Record<string, number> = { beginner: 0, intermediate: 0, advanced: 0 };
  for (const s of scored) difficulties[s.difficulty] = (difficulties[s.difficulty] ?? 0) + 1;
  const profile = (await getUserSkills(deps.db, userId)).map((s) => ({ skill: s.skill, kind: s.kind as RadarKind, level: s.level }));
  const radar = computeRadar(
    profile,
    scored.map((s) => ({ skillTags: s.contribution.skillTags, languages: s.contribution.languages, workKinds: s.workKinds })),
  );
  return { level, details: { pullRequests: scored.length, repositories, difficulties, contributionId }, radar, scored };
}

const running = new Map<number, Promise<unknown>>();

/** Runs one recording at a time per user in this process; other processes wait on the lock below. */
function oneAtATime<T>(userId: number, work: () => Promise<T>): Promise<T> {
  const previous = running.get(userId) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  running.set(userId, next);
  void next.finally(() => {
    if (running.get(userId) === next) running.delete(userId);
  }).catch(() => undefined);
  return next;
}

/**
 * Recomputes and stores level and radar. Idempotent: a record is only added when the level,
 * points or counts moved, and a radar snapshot only when a score changed, so a retried
 * enrichment (or a second look) leaves the history as it was. The comparison and the writes run
 * in one transaction under a per-user advisory lock, so two workers never both append the same change.
 */
export function recordGrowth(deps: GrowthEngineDeps, userId: number, contributionId: number | null = null): Promise<{ state: GrowthState; recorded: { level: boolean; radar: boolean } }> {
  return oneAtATime(userId, async () => {
    const state = await computeGrowth(deps, userId, contributionId);
    const at = deps.now();
    const recorded = await deps.db.knex.transaction(async (trx: Knex.Transaction) => {
      await trx.raw("select pg_advisory_xact_lock(hashtextextended(?, 0))", [`illuminate.growth.${userId}`]);
      const latestRadar = await radarAt(trx, userId, at);
      const radarChanged = !sameRadar(latestRadar?.scores ?? [], state.radar);
      if (radarChanged) await insertRadar(trx, userId, state.radar, at);
      const latest = await latestGrowthRecord(trx, userId);
      const levelChanged =
        !latest ||
        latest.level !== state.level.level ||
        latest.points !== state.level.points ||
        latest.details.pullRequests !== state.details.pullRequests ||
        latest.details.repositories !== state.details.repositories;
      const recordLevel = levelChanged && (latest !== null || state.details.pullRequests > 0);
      if (recordLevel) {
        await insertGrowthRecord(trx, userId, { level: state.level.level, points: state.level.points, progress: state.level.progress, details: state.details }, at);
      }
      return { level: recordLevel, radar: radarChanged };
    });
    return { state, recorded };
  });
}
