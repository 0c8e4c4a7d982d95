/** What the scorer needs to know about a repository over its window. */
export interface HealthFacts {
  windowDays: number;
  archived: boolean;
  /** commits that reached the default branch in the window */
  commits: number;
  /** human pull requests merged / closed without merging in the window; null when unknown */
  merged: number | null;
  closedUnmerged: number | null;
  /** hours to the first maintainer response, one per issue or PR opened in the window; null when unknown */
  responseHours: number[] | null;
}

export interface HealthComponents {
  windowDays: number;
  archived: boolean;
  commits: number;
  commitsPerWeek: number;
  commitScore: number;
  merged: number | null;
  closedUnmerged: number | null;
  mergeRate: number | null;
  responseSamples: number;
  medianResponseHours: number | null;
  responseScore: number | null;
}

export interface HealthScore {
  score: number;
  components: HealthComponents;
}

/** Commits per week at which commit frequency earns full marks. */
export const FULL_COMMITS_PER_WEEK = 5;
/** The median response time that scores one half. */
export const HALF_SCORE_RESPONSE_HOURS = 48;
export const HEALTH_WEIGHTS = { commits: 0.4, mergeRate: 0.3, response: 0.3 } as const;

const round = (value: number, places = 4) => Math.round(value * 10 ** places) / 10 ** places;

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The health formula (docs/index-and-health.md): each component in [0, 1], combined as a weighted
 * mean over the components that are known. An archived repository accepts no contributions: 0.
 */
export function scoreRepositoryHealth(facts: HealthFacts): HealthScore {
  const commitsPerWeek = facts.archived ? 0 : facts.commits / (facts.windowDays / 7);
  const commitScore = Math.min(1, commitsPerWeek / FULL_COMMITS_PER_WEEK);
  const decided = (facts.merged ?? 0) + (facts.closedUnmerged ?? 0);
  const mergeRate = facts.merged === null || decided === 0 ? null : facts.merged / decided;
  const medianResponseHours = median(facts.responseHours ?? []);
  const responseScore = medianResponseHours === null ? null : 1 / (1 + medianResponseHours / HALF_SCORE_RESPONSE_HOURS);

  const parts: Array<[number, number | null]> = [
    [HEALTH_WEIGHTS.commits, commitScore],
    [HEALTH_WEIGHTS.mergeRate, mergeRate],
    [HEALTH_WEIGHTS.response, responseScore],
  ];
  const known = parts.filter((part): part is [number, number] => part[1] !== null);
  const weighted = known.reduce((sum, [weight, value]) => sum + weight * value, 0) / known.reduce((sum, [weight]) => sum + weight, 0);
  return {
    score: facts.archived ? 0 : round(Math.min(1, Math.max(0, weighted))),
    components: {
      windowDays: facts.windowDays,
      archived: facts.archived,
      commits: facts.commits,
      commitsPerWeek: round(commitsPerWeek),
      commitScore: round(commitScore),
      merged: facts.merged,
      closedUnmerged: facts.closedUnmerged,
      mergeRate: mergeRate === null ? null : round(mergeRate),
      responseSamples: facts.responseHours?.length ?? 0,
      medianResponseHours: medianResponseHours === null ? null : round(medianResponseHours, 2),
      responseScore: responseScore === null ? null : round(responseScore),
    },
  };
}
