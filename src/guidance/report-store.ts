import type { Knex } from "knex";
import type { DeepDiveSection, SectionKey } from "./deep-dive-sections.js";

export const REPORT_REASONS = ["inaccurate", "unhelpful", "harmful", "other"] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export interface NewReport {
  deepDiveId: number;
  userId: number;
  repositoryId: number;
  issueNumber: number;
  section: SectionKey | "all";
  reason: ReportReason;
  comment: string | null;
  snapshot: DeepDiveSection | null;
}

/** What a maintainer sees of a report; who made it stays private. */
export interface StoredReport {
  id: number;
  deepDiveId: number;
  issueNumber: number | null;
  section: SectionKey | "all";
  reason: ReportReason;
  comment: string | null;
  snapshot: DeepDiveSection | null;
  createdAt: string;
  resolvedAt: string | null;
}

/** One report per reader, deep dive and section; reporting again replaces it and reopens it. */
export async function upsertReport(knex: Knex, report: NewReport): Promise<number> {
  const [row] = await knex("deep_dive_reports")
    .insert({
      deep_dive_id: report.deepDiveId,
      user_id: report.userId,
      repository_id: report.repositoryId,
      issue_number: report.issueNumber,
      section: report.section,
      reason: report.reason,
      comment: report.comment,
      section_snapshot: report.snapshot ? JSON.stringify(report.snapshot) : null,
    })
    .onConflict(["deep_dive_id", "user_id", "section"])
    .merge(["reason", "comment", "section_snapshot", "repository_id", "issue_number"])
    .returning("id");
  await knex("deep_dive_reports").where({ id: row.id }).update({ resolved_at: null, updated_at: knex.fn.now() });
  return Number(row.id);
}

export async function listRepositoryReports(knex: Knex, repositoryId: number, options: { includeResolved: boolean; limit: number }): Promise<StoredReport[]> {
  const rows: Array<Record<string, unknown>> = await knex("deep_dive_reports as r")
    .where("r.repository_id", repositoryId)
    .modify((q) => {
      if (!options.includeResolved) q.whereNull("r.resolved_at");
    })
    .orderBy("r.updated_at", "desc")
    .limit(options.limit)
    .select("r.id", "r.deep_dive_id", "r.issue_number", "r.section", "r.reason", "r.comment", "r.section_snapshot", "r.created_at", "r.resolved_at");
  return rows.map((r) => ({
    id: Number(r.id),
    deepDiveId: Number(r.deep_dive_id),
    issueNumber: r.issue_number === null ? null : Number(r.issue_number),
    section: r.section as SectionKey | "all",
    reason: r.reason as ReportReason,
    comment: (r.comment as string | null) ?? null,
    snapshot: typeof r.section_snapshot === "string" ? JSON.parse(r.section_snapshot) : ((r.section_snapshot as DeepDiveSection | null) ?? null),
    createdAt: new Date(r.created_at as Date).toISOString(),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at as Date).toISOString() : null,
  }));
}

/** Returns the report's repository, or null when there is no such report. */
export async function getReportRepository(knex: Knex, reportId: number): Promise<number | null> {
  const row = await knex("deep_dive_reports").where({ id: reportId }).first("repository_id");
  return row?.repository_id ? Number(row.repository_id) : null;
}

export async function resolveReport(knex: Knex, reportId: number): Promise<void> {
  await knex("deep_dive_reports").where({ id: reportId }).whereNull("resolved_at").update({ resolved_at: knex.fn.now() });
}
