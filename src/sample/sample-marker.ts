import type { Knex } from "knex";

export type SampleMarkerStatus = "loading" | "loaded" | "failed" | "removed";

export interface SampleMarker {
  status: SampleMarkerStatus;
  issues: number;
  deliveries: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

interface MarkerRow {
  status: SampleMarkerStatus;
  issues: number;
  deliveries: number;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

/** The sample's one marker row, or null when no sample was ever loaded here. */
export async function getSampleMarker(knex: Knex): Promise<SampleMarker | null> {
  const row: MarkerRow | undefined = await knex("sample_data").where({ id: 1 }).first();
  return row
    ? { status: row.status, issues: row.issues, deliveries: row.deliveries, error: row.error, startedAt: row.started_at, finishedAt: row.finished_at }
    : null;
}

export async function setSampleMarker(
  knex: Knex,
  status: SampleMarkerStatus,
  details: { issues?: number; deliveries?: number; error?: string | null; now: Date },
): Promise<void> {
  const finished = status === "loading" ? null : details.now;
  const columns = {
    status,
    error: details.error?.slice(0, 1000) ?? null,
    finished_at: finished,
    updated_at: details.now,
    ...(details.issues !== undefined ? { issues: details.issues } : {}),
    ...(details.deliveries !== undefined ? { deliveries: details.deliveries } : {}),
  };
  await knex("sample_data")
    .insert({ id: 1, started_at: details.now, ...columns })
    .onConflict("id")
    .merge(status === "loading" ? { ...columns, started_at: details.now } : columns);
}
