import type { Knex } from "knex";
import type { ContextSource } from "./assemble-context.js";
import type { DeepDiveSections, SectionKey } from "./deep-dive-sections.js";
import type { ModelUsage } from "./estimate-cost.js";
import type { Removal } from "./ground-sections.js";
import type { Omission } from "./token-budget.js";

export type DeepDiveStatus = "pending" | "ready" | "failed";

export interface ContextMeta {
  sources: ContextSource[];
  omitted: Omission[];
  removed: Removal[];
  tokens: { repository: number; issue: number };
  /** why an AI deep dive fell back to the offline one */
  fallbackReason?: string;
}

export interface DeepDiveRow {
  id: number;
  issueId: number;
  versionHash: string;
  status: DeepDiveStatus;
  sections: DeepDiveSections | null;
  model: string | null;
  offline: boolean;
  contextMeta: ContextMeta | null;
  error: string | null;
  attempts: number;
  generatedAt: Date | null;
  invalidatedAt: Date | null;
  refreshRequestedAt: Date | null;
  updatedAt: Date;
  usage: ModelUsage & { costUsd: number };
}

const json = <T>(value: unknown): T | null => (value === null || value === undefined ? null : typeof value === "string" ? (JSON.parse(value) as T) : (value as T));

function toRow(r: Record<string, unknown>): DeepDiveRow {
  const meta = json<Partial<ContextMeta>>(r.context_meta);
  return {
    id: Number(r.id),
    issueId: Number(r.issue_id),
    versionHash: r.version_hash as string,
    status: r.status as DeepDiveStatus,
    sections: json<DeepDiveSections>(r.sections),
    model: (r.model as string | null) ?? null,
    offline: Boolean(r.offline),
    contextMeta: meta && meta.sources ? (meta as ContextMeta) : null,
    error: (r.error as string | null) ?? null,
    attempts: Number(r.attempts),
    generatedAt: (r.generated_at as Date | null) ?? null,
    invalidatedAt: (r.invalidated_at as Date | null) ?? null,
    refreshRequestedAt: (r.refresh_requested_at as Date | null) ?? null,
    updatedAt: r.updated_at as Date,
    usage: {
      inputTokens: Number(r.input_tokens ?? 0),
      outputTokens: Number(r.output_tokens ?? 0),
      cacheReadInputTokens: Number(r.cache_read_input_tokens ?? 0),
      cacheCreationInputTokens: Number(r.cache_creation_input_tokens ?? 0),
      costUsd: Number(r.cost_usd ?? 0),
    },
  };
}

export async function getDeepDive(knex: Knex, id: number): Promise<DeepDiveRow | null> {
  const row = await knex("deep_dives").where({ id }).first();
  return row ? toRow(row) : null;
}

export type ReportCounts = Partial<Record<SectionKey | "all", number>>;

/** The version's row with its unresolved report counts (made on the current generation), in one query. */
export async function findDeepDive(knex: Knex, issueId: number, versionHash: string): Promise<(DeepDiveRow & { reports: ReportCounts }) | null> {
  const row = await knex("deep_dives as d")
    .where({ "d.issue_id": issueId, "d.version_hash": versionHash })
    .first(
      "d.*",
      knex.raw(
        `(select coalesce(json_object_agg(x.section, x.n), '{}') from (
           select r.section, count(*) as n from deep_dive_reports r
           where r.deep_dive_id = d.id and r.resolved_at is null and (d.generated_at is null or r.updated_at >= d.generated_at)
           group by r.section) x) as report_counts`,
      ),
    );
  if (!row) return null;
  const counts = json<Record<string, number | string>>(row.report_counts) ?? {};
  return { ...toRow(row), reports: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])) };
}

/** The newest version with sections, to serve while the current one is being written. */
export async function findLatestReady(knex: Knex, issueId: number, exceptId?: number): Promise<DeepDiveRow | null> {
  const row = await knex("deep_dives")
    .where({ issue_id: issueId, status: "ready" })
    .modify((q) => {
      if (exceptId !== undefined) q.whereNot({ id: exceptId });
    })
    .orderBy("generated_at", "desc")
    .first();
  return row ? toRow(row) : null;
}

/** Creates the row for a version unless it exists. Returns it and whether this caller created it. */
export async function claimVersion(knex: Knex, issueId: number, versionHash: string): Promise<{ row: DeepDiveRow; created: boolean }> {
  const inserted = await knex("deep_dives")
    .insert({ issue_id: issueId, version_hash: versionHash, status: "pending" })
    .onConflict(["issue_id", "version_hash"])
    .ignore()
    .returning("*");
  if (inserted[0]) return { row: toRow(inserted[0]), created: true };
  return { row: (await findDeepDive(knex, issueId, versionHash))!, created: false };
}

/**
 * Marks a version for a fresh generation while its sections stay served. Only one caller wins
 * while a refresh is under way (or a stale-pending one older than `staleAfterMs`).
 */
export async function requestRefresh(knex: Knex, id: number, staleAfterMs: number): Promise<boolean> {
  const updated = await knex("deep_dives")
    .where({ id })
    .where((q) =>
      q.whereNull("refresh_requested_at").orWhere("refresh_requested_at", "<", knex.raw("now() - make_interval(secs => ?)", [staleAfterMs / 1000])),
    )
    .update({ refresh_requested_at: knex.fn.now(), attempts: 0, error: null });
  return updated > 0;
}

/**
 * A version goes back to pending for a new attempt: a failed one after `failedAfterMs` (so a page
 * polling a broken repository does not hammer GitHub), a pending one presumed lost after
 * `pendingAfterMs`. Only one caller wins.
 */
export async function retryVersion(knex: Knex, id: number, options: { failedAfterMs: number; pendingAfterMs: number }): Promise<boolean> {
  const olderThan = (ms: number) => knex.raw("now() - make_interval(secs => ?)", [ms / 1000]);
  const updated = await knex("deep_dives")
    .where({ id })
    .where((q) =>
      q
        .where((f) => f.where("status", "failed").where("updated_at", "<=", olderThan(options.failedAfterMs)))
        .orWhere((p) => p.where("status", "pending").where("updated_at", "<", olderThan(options.pendingAfterMs))),
    )
    .update({ status: "pending", attempts: 0, error: null, updated_at: knex.fn.now() });
  return updated > 0;
}

export async function countCall(knex: Knex, id: number): Promise<void> {
  await knex("deep_dives").where({ id }).increment("attempts", 1);
}

export async function saveReady(
  knex: Knex,
  id: number,
  input: { sections: DeepDiveSections; model: string | null; offline: boolean; meta: ContextMeta; usage: ModelUsage; costUsd: number; error: string | null; now: Date },
): Promise<void> {
  await knex("deep_dives")
    .where({ id })
    .update({
      status: "ready",
      sections: JSON.stringify(input.sections),
      model: input.model,
      offline: input.offline,
      context_meta: JSON.stringify(input.meta),
      error: input.error,
      generated_at: input.now,
      invalidated_at: null,
      refresh_requested_at: null,
      input_tokens: input.usage.inputTokens,
      output_tokens: input.usage.outputTokens,
      cache_read_input_tokens: input.usage.cacheReadInputTokens,
      cache_creation_input_tokens: input.usage.cacheCreationInputTokens,
      cost_usd: input.costUsd,
    });
}

/** A failed generation: a ready version keeps its sections (and stays served), a pending one fails. */
export async function saveFailure(knex: Knex, id: number, error: string, usage?: ModelUsage & { costUsd: number }): Promise<void> {
  const spent = usage
    ? {
        input_tokens: knex.raw("input_tokens + ?", [usage.inputTokens]),
        output_tokens: knex.raw("output_tokens + ?", [usage.outputTokens]),
        cache_read_input_tokens: knex.raw("cache_read_input_tokens + ?", [usage.cacheReadInputTokens]),
        cache_creation_input_tokens: knex.raw("cache_creation_input_tokens + ?", [usage.cacheCreationInputTokens]),
        cost_usd: knex.raw("cost_usd + ?", [usage.costUsd]),
      }
    : {};
  await knex("deep_dives")
    .where({ id })
    .update({
      status: knex.raw("case when status = 'ready' then 'ready' else 'failed' end"),
      error: error.slice(0, 1000),
      refresh_requested_at: null,
      ...spent,
    });
}

/** An edit arrived: every version of the issue is refreshed on its next read. */
export async function invalidateIssue(knex: Knex, issueId: number): Promise<number> {
  return knex("deep_dives").where({ issue_id: issueId }).whereNull("invalidated_at").update({ invalidated_at: knex.fn.now() });
}

export async function getDocsVersion(knex: Knex, repositoryId: number): Promise<{ version: number; docPaths: string[] }> {
  const row = await knex("deep_dive_repository_docs").where({ repository_id: repositoryId }).first("docs_version", "doc_paths");
  return row ? { version: Number(row.docs_version), docPaths: json<string[]>(row.doc_paths) ?? [] } : { version: 0, docPaths: [] };
}

export async function recordDocPaths(knex: Knex, repositoryId: number, paths: string[]): Promise<void> {
  await knex.raw(
    `insert into deep_dive_repository_docs (repository_id, doc_paths)
     select id, ?::jsonb from repositories where id = ?
     on conflict (repository_id) do update set doc_paths = excluded.doc_paths
     where deep_dive_repository_docs.doc_paths is distinct from excluded.doc_paths`,
    [JSON.stringify(paths), repositoryId],
  );
}

/** A push changed the repository's docs: every cache key of the repository changes with it. */
export async function bumpDocsVersion(knex: Knex, repositoryId: number): Promise<void> {
  await knex.raw(
    `insert into deep_dive_repository_docs (repository_id, docs_version, changed_at)
     select id, 1, now() from repositories where id = ?
     on conflict (repository_id) do update set docs_version = deep_dive_repository_docs.docs_version + 1, changed_at = now()`,
    [repositoryId],
  );
}

/** Unresolved reports per section, counting only those made on the current generation. */
export async function countReports(knex: Knex, deepDiveId: number, since: Date | null): Promise<ReportCounts> {
  const rows: Array<{ section: SectionKey | "all"; n: string | number }> = await knex("deep_dive_reports")
    .where({ deep_dive_id: deepDiveId })
    .whereNull("resolved_at")
    .modify((q) => {
      if (since) q.where("updated_at", ">=", since);
    })
    .groupBy("section")
    .select("section", knex.raw("count(*) as n"));
  return Object.fromEntries(rows.map((r) => [r.section, Number(r.n)]));
}
