import { isRecord } from "$lib/api-types";

/** Shapes of /api/maintainers/*, as the maintainer pages read them. */

export interface MaintainedRepository {
  owner: string;
  name: string;
  fullName: string;
  archived: boolean;
  private: boolean;
  health: number | null;
  openIssues: number;
  backfill: string | null;
  access: "account" | "push_access" | "development";
}

export interface MaintainedInstallation {
  id: number;
  account: string;
  accountType: string;
  suspended: boolean;
  repositories: MaintainedRepository[];
}

export interface HealthPoint {
  computedAt: string;
  score: number;
  commitScore: number | null;
  commitsPerWeek: number | null;
  mergeRate: number | null;
  responseScore: number | null;
  medianResponseHours: number | null;
}

export interface ResponseFigures {
  opened: number;
  responded: number;
  waiting: number;
  medianHours: number | null;
}

export interface SupplyIssue {
  number: number;
  title: string;
  labels: string[];
  difficulty: string | null;
  smallness: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface MaintainerRepositoryView {
  repository: { owner: string; name: string; fullName: string; archived: boolean; private: boolean; defaultBranch: string };
  access: string;
  window: { days: number; since: string };
  health: {
    latest: { score: number; computedAt: string; components: { commitsPerWeek: number; mergeRate: number | null; medianResponseHours: number | null; commitScore: number; responseScore: number | null } } | null;
    trend: HealthPoint[];
  };
  responseTimes: { basis: string; newcomers: ResponseFigures; everyone: ResponseFigures };
  supply: {
    open: { total: number; taken: number; notReady: number; free: number };
    newcomerReady: { count: number; issues: SupplyIssue[] };
    candidates: { count: number; issues: SupplyIssue[] };
  };
  bot: {
    posted: number;
    deletedByMaintainers: number;
    last: { issueNumber: number; postedAt: string } | null;
    canComment: boolean;
    config: { path: string; stored: boolean; defaults: { enabled: boolean; labels: string[] } };
  };
  reports: {
    open: number;
    resolved: number;
    recent: Array<{ id: number; issueNumber: number | null; section: string; reason: string; comment: string | null; createdAt: string }>;
  };
  backfill: {
    status: string;
    phase: string | null;
    issuesSynced: number;
    pullRequestsSynced: number;
    commitsSynced: number;
    startedAt: string | null;
    finishedAt: string | null;
    error: string | null;
  } | null;
  crawl: { status: string; lastRunAt: string | null; nextRunAt: string | null; error: string | null } | null;
}

export function isInstallationList(value: unknown): value is { installations: MaintainedInstallation[] } {
  return isRecord(value) && Array.isArray(value.installations) && value.installations.every((i) => isRecord(i) && Array.isArray(i.repositories));
}

export function isRepositoryView(value: unknown): value is MaintainerRepositoryView {
  return (
    isRecord(value) &&
    isRecord(value.repository) &&
    isRecord(value.health) &&
    Array.isArray(value.health.trend) &&
    isRecord(value.supply) &&
    isRecord(value.responseTimes) &&
    isRecord(value.bot) &&
    isRecord(value.reports)
  );
}

export function formatHours(hours: number | null): string {
  if (hours === null) return "no answers yet";
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} days`;
}

export function formatShare(value: number | null): string {
  return value === null ? "unknown" : `${Math.round(value * 100)}%`;
}
