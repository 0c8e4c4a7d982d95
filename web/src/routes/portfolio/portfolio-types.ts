/** What GET /api/portfolio/:username and /api/portfolio/me answer. */
export interface PortfolioContribution {
  id: number;
  repository: string;
  number: number;
  title: string;
  url: string;
  mergedAt: string;
  additions: number | null;
  deletions: number | null;
  languages: Record<string, number>;
  skillTags: string[];
  source: "webhook" | "search" | "manual";
  private: boolean;
  firstInRepository: boolean;
  repositoryStars: number | null;
}

export interface PortfolioStats {
  totals: { pullRequests: number; repositories: number; additions: number; deletions: number; lines: number };
  streaks: { currentWeeks: number; longestWeeks: number };
  languages: Array<{ language: string; lines: number; share: number; pullRequests: number }>;
  perMonth: Array<{ month: string; pullRequests: number }>;
  perDay: Record<string, number>;
  firstContributionAt: string | null;
  topRepositories: Array<{ fullName: string; pullRequests: number; lines: number; stars: number | null }>;
  timeZone: string;
}

export interface Portfolio {
  user: { login: string; name: string | null; avatarUrl: string | null; bio: string | null; publicPortfolio: boolean };
  stats: PortfolioStats;
  contributions: PortfolioContribution[];
  page: { limit: number; offset: number; total: number };
}

export function isPortfolio(value: unknown): value is Portfolio {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.user === "object" && v.user !== null && typeof v.stats === "object" && v.stats !== null && Array.isArray(v.contributions);
}

export const LANGUAGE_COLORS = ["#3178c6", "#d9a400", "#3572a5", "#00add8", "#c2693e", "#b07219", "#e34c26", "#563d7c", "#4d9b1f", "#701516"];
