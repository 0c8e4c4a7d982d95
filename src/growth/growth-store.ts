import type { Knex } from "knex";
import type { RadarKind, RadarScore } from "./radar.js";

export interface GrowthRecord {
  level: number;
  points: number;
  progress: number;
  details: GrowthDetails;
  recordedAt: Date;
}

export interface GrowthDetails {
  pullRequests: number;
  repositories: number;
  /** merged PRs per difficulty (of the issue solved, else by size) */
  difficulties: Record<string, number>;
  /** the contribution whose enrichment caused this computation, when one did */
  contributionId: number | null;
}

interface GrowthRow {
  level: number;
  points: number;
  progress: number;
  details: GrowthDetails;
  recorded_at: Date;
}

const toRecord = (r: GrowthRow): GrowthRecord => ({ level: Number(r.level), points: Number(r.points), progress: Number(r.progress), details: r.details, recordedAt: r.recorded_at });

export async function latestGrowthRecord(knex: Knex, userId: number): Promise<GrowthRecord | null> {
  const row = (await knex("growth_records").where({ user_id: userId }).orderBy([{ column: "recorded_at", order: "desc" }, { column: "id", order: "desc" }]).first()) as GrowthRow | undefined;
  return row ? toRecord(row) : null;
}

export async function insertGrowthRecord(knex: Knex, userId: number, record: Omit<GrowthRecord, "recordedAt">, at: Date): Promise<void> {
  await knex("growth_records").insert({ user_id: userId, level: record.level, points: record.points, progress: record.progress, details: JSON.stringify(record.details), recorded_at: at });
}

/** The newest `limit` records, returned oldest first (for drawing). */
export async function listGrowthRecords(knex: Knex, userId: number, limit = 200): Promise<GrowthRecord[]> {
  const rows = (await knex("growth_records").where({ user_id: userId }).orderBy([{ column: "recorded_at", order: "desc" }, { column: "id", order: "desc" }]).limit(limit).select("*")) as GrowthRow[];
  return rows.map(toRecord).reverse();
}

export interface RadarSnapshot {
  recordedAt: Date;
  scores: RadarScore[];
}

/** The radar as it stood at `at`: the newest snapshot recorded then or before, or null. */
export async function radarAt(knex: Knex, userId: number, at: Date): Promise<RadarSnapshot | null> {
  const latest = (await knex("skill_radar_scores").where({ user_id: userId }).where("recorded_at", "<=", at).max({ recorded_at: "recorded_at" }).first()) as
    | { recorded_at: Date | null }
    | undefined;
  if (!latest?.recorded_at) return null;
  const rows: Array<{ skill: string; kind: RadarKind; score: number }> = await knex("skill_radar_scores")
    .where({ user_id: userId, recorded_at: latest.recorded_at })
    .orderBy([{ column: "score", order: "desc" }, "skill"])
    .select("skill", "kind", "score");
  return { recordedAt: latest.recorded_at, scores: rows.map((r) => ({ skill: r.skill, kind: r.kind, score: Math.round(Number(r.score) * 100) / 100 })) };
}

/** A new snapshot; a second write at the same instant (a retried job) adds nothing. */
export async function insertRadar(knex: Knex, userId: number, scores: RadarScore[], at: Date): Promise<void> {
  if (scores.length === 0) return;
  await knex("skill_radar_scores")
    .insert(scores.map((s) => ({ user_id: userId, skill: s.skill, kind: s.kind, score: s.score, recorded_at: at })))
    .onConflict(["user_id", "recorded_at", "skill"])
    .ignore();
}
