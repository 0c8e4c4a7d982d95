import type { Knex } from "knex";
import type { Queue } from "../queue/types.js";
import { SECTION_KEYS, SECTION_TITLES, type DeepDiveItem, type SectionKey } from "./deep-dive-sections.js";
import {
  claimVersion,
  countReports,
  findDeepDive,
  findLatestReady,
  getDocsVersion,
  requestRefresh,
  retryVersion,
  type DeepDiveRow,
  type ReportCounts,
} from "./deep-dive-store.js";
import { GENERATE_JOB, type GenerateJobData } from "./generate-deep-dive.js";
import { OFFLINE_LABEL } from "./generate-offline.js";
import type { GuidanceIssueHeader, IssueSource } from "./issue-source.js";
import { versionHash } from "./version-hash.js";

export type DeepDiveState = "ready" | "pending" | "refreshing" | "failed";

export interface DeepDiveView {
  issue: { id: number; number: number; title: string; repository: string; repositoryUrl: string; url: string; state: "open" | "closed" };
  status: DeepDiveState;
  /** the deep dive shown was written for an older version of the issue or its docs */
  stale: boolean;
  deepDive: {
    id: number;
    generatedAt: string;
    generator: { kind: "ai" | "offline"; model: string | null; label: string };
    notice: string | null;
    sections: Array<{ key: SectionKey; title: string; summary: string; items: DeepDiveItem[]; reports: number; flagged: boolean }>;
    reports: number;
    sources: Array<{ kind: string; label: string; url: string }>;
    omitted: Array<{ what: string; reason: string }>;
    usage: { inputTokens: number; outputTokens: number; cacheReadInputTokens: number; cacheCreationInputTokens: number; costUsd: number } | null;
  } | null;
  error: string | null;
  /** how long a client should wait before asking again while status is pending or refreshing */
  pollAfterMs: number | null;
}

export interface DeepDiveServiceDeps {
  knex: Knex;
  queue: Queue;
  issues: IssueSource;
  webUrl: string;
  /** "offline" or the model's name: part of the cache key */
  generator: string;
  /** a pending or refreshing generation older than this is presumed lost and started again */
  staleJobAfterMs?: number;
}

const POLL_MS = 2_000;
/** A version whose generation failed is tried again by a reader after this long; at once on regenerate. */
const FAILED_RETRY_AFTER_MS = 5 * 60_000;

export function createDeepDiveService(deps: DeepDiveServiceDeps) {
  const { knex, queue, issues } = deps;
  const staleAfterMs = deps.staleJobAfterMs ?? 10 * 60_000;
  const enqueue = (row: DeepDiveRow, suffix = "") =>
    queue.add<GenerateJobData>(GENERATE_JOB, { deepDiveId: row.id }, { jobId: `deep-dive-${row.id}${suffix}`, lane: "requested", attempts: 3, backoff: { type: "exponential", delayMs: 5_000 } });

  async function currentVersion(issue: GuidanceIssueHeader) {
    const docs = await getDocsVersion(knex, issue.repository.id);
    return versionHash(issue, docs.version, deps.generator);
  }

  async function render(issue: GuidanceIssueHeader, status: DeepDiveState, shown: (DeepDiveRow & { reports?: ReportCounts }) | null, current: DeepDiveRow | null): Promise<DeepDiveView> {
    const repositoryUrl = `${deps.webUrl}/${issue.repository.fullName}`;
    const url = `${repositoryUrl}/issues/${issue.number}`;
    let deepDive: DeepDiveView["deepDive"] = null;
    if (shown?.sections && shown.generatedAt) {
      const counts = shown.reports ?? (await countReports(knex, shown.id, shown.generatedAt));
      const meta = shown.contextMeta;
      deepDive = {
        id: shown.id,
        generatedAt: new Date(shown.generatedAt).toISOString(),
        generator: shown.offline ? { kind: "offline", model: null, label: OFFLINE_LABEL } : { kind: "ai", model: shown.model, label: `Written by ${shown.model} from the repository's context` },
        notice: shown.offline && meta?.fallbackReason ? `The AI deep dive could not be written (${meta.fallbackReason}), so this one was built without AI.` : null,
        sections: SECTION_KEYS.map((key) => ({
          key,
          title: SECTION_TITLES[key],
          summary: shown.sections![key].summary,
          items: shown.sections![key].items,
          reports: counts[key] ?? 0,
          flagged: (counts[key] ?? 0) > 0,
        })),
        reports: Object.values(counts).reduce((a, b) => a + (b ?? 0), 0),
        sources: (meta?.sources ?? []).map((s) => ({ kind: s.kind, label: s.label, url: s.url })),
        omitted: meta?.omitted ?? [],
        usage: shown.offline && shown.usage.inputTokens === 0 ? null : shown.usage,
      };
    }
    return {
      issue: { id: issue.id, number: issue.number, title: issue.title, repository: issue.repository.fullName, repositoryUrl, url, state: issue.state },
      status,
      stale: Boolean(shown && current && shown.id !== current.id),
      deepDive,
      error: current?.error ?? null,
      pollAfterMs: status === "pending" || status === "refreshing" ? POLL_MS : null,
    };
  }

  /**
   * The cached deep dive of the issue's current version, or the news that one is being written
   * (one job per version, however many readers ask). While it is, the previous version is served.
   */
  async function getView(issueOrId: number | GuidanceIssueHeader, options: { beforeGenerate?: () => Promise<void> } = {}): Promise<DeepDiveView | null> {
    const issue = typeof issueOrId === "number" ? await issues.getIssueHeader(issueOrId) : issueOrId;
    if (!issue) return null;
    const hash = await currentVersion(issue);
    let row: (DeepDiveRow & { reports?: ReportCounts }) | null = await findDeepDive(knex, issue.id, hash);
    if (!row) {
      // The reader's generation quota; it may refuse by throwing.
      await options.beforeGenerate?.();
      const claimed = await claimVersion(knex, issue.id, hash);
      row = claimed.row;
      if (claimed.created) await enqueue(row);
    }
    if (row.status === "ready") {
      const refreshing = row.refreshRequestedAt !== null && Date.now() - new Date(row.refreshRequestedAt).getTime() < staleAfterMs;
      if (row.invalidatedAt && !refreshing && (await requestRefresh(knex, row.id, staleAfterMs))) {
        await enqueue(row, `-r${Date.now()}`);
        return render(issue, "refreshing", row, row);
      }
      return render(issue, refreshing ? "refreshing" : "ready", row, row);
    }
    if (row.status === "failed" || Date.now() - new Date(row.updatedAt).getTime() > staleAfterMs) {
      if (await retryVersion(knex, row.id, { failedAfterMs: FAILED_RETRY_AFTER_MS, pendingAfterMs: staleAfterMs })) {
        await enqueue(row, `-a${Date.now()}`);
        row = { ...row, status: "pending", error: null };
      }
    } else {
      // A no-op while the job exists; brings it back if the queue lost it.
      await enqueue(row);
    }
    const previous = await findLatestReady(knex, issue.id, row.id);
    const status: DeepDiveState = row.status === "failed" ? "failed" : previous ? "refreshing" : "pending";
    return render(issue, status, previous, row);
  }

  /** Writes the current version again (a reader asked). Returns null for an unknown issue. */
  async function regenerate(issueOrId: number | GuidanceIssueHeader): Promise<DeepDiveView | null> {
    const issue = typeof issueOrId === "number" ? await issues.getIssueHeader(issueOrId) : issueOrId;
    if (!issue) return null;
    const hash = await currentVersion(issue);
    const { row, created } = await claimVersion(knex, issue.id, hash);
    if (created) {
      await enqueue(row);
    } else if (row.status === "ready") {
      if (await requestRefresh(knex, row.id, staleAfterMs)) await enqueue(row, `-r${Date.now()}`);
    } else if (row.status === "failed" && (await retryVersion(knex, row.id, { failedAfterMs: 0, pendingAfterMs: staleAfterMs }))) {
      await enqueue(row, `-a${Date.now()}`);
    }
    return getView(issue);
  }

  return { getView, regenerate };
}

export type DeepDiveService = ReturnType<typeof createDeepDiveService>;
