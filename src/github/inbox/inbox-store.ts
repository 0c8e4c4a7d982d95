import type { Knex } from "knex";
import type { StoredDelivery } from "./webhook-registry.js";

export type DeliveryStatus = "pending" | "processing" | "processed" | "failed" | "skipped";

interface DeliveryRow {
  id: number | string;
  delivery_id: string;
  event: string;
  action: string | null;
  installation_id: number | string | null;
  payload: Record<string, unknown> | string;
  received_at: Date;
}

const toDelivery = (row: DeliveryRow): StoredDelivery => ({
  id: Number(row.id),
  deliveryId: row.delivery_id,
  event: row.event,
  action: row.action,
  installationId: row.installation_id === null ? null : Number(row.installation_id),
  payload: typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload,
  receivedAt: row.received_at,
});

export interface NewDelivery {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  /** the payload's JSON text */
  payload: string;
}

/**
 * Stores deliveries in one statement, skipping any whose GitHub delivery id is already there.
 * Answers, per input and in order, the new row id, or null for a repeat (also for a second copy
 * within the same call).
 */
export async function insertDeliveries(knex: Knex, inputs: NewDelivery[]): Promise<Array<number | null>> {
  const firstOf = new Map<string, number>();
  inputs.forEach((input, index) => {
    if (!firstOf.has(input.deliveryId)) firstOf.set(input.deliveryId, index);
  });
  const unique = [...firstOf.values()].map((index) => inputs[index]!);
  // Written out rather than built with the query builder: this runs for every delivery GitHub
  // sends, and compiling the builder cost more CPU than sending the row.
  const result: { rows: Array<{ id: number | string; delivery_id: string }> } = await knex.raw(
    `INSERT INTO webhook_deliveries (delivery_id, event, action, installation_id, repository_id, payload)
     VALUES ${unique.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")}
     ON CONFLICT (delivery_id) DO NOTHING
     RETURNING id, delivery_id`,
    unique.flatMap((input) => [input.deliveryId, input.event, input.action, input.installationId, input.repositoryId, input.payload]),
  );
  const idOf = new Map(result.rows.map((row) => [row.delivery_id, Number(row.id)]));
  return inputs.map((input, index) => (firstOf.get(input.deliveryId) === index ? (idOf.get(input.deliveryId) ?? null) : null));
}

/**
 * Atomically takes a delivery for processing. Only one worker wins; a delivery stuck in
 * `processing` longer than `staleAfterMs` (its worker died) may be taken again.
 */
export async function claimDelivery(knex: Knex, id: number, staleAfterMs: number): Promise<StoredDelivery | null> {
  const rows: DeliveryRow[] = await knex("webhook_deliveries")
    .where({ id })
    .andWhere((q) =>
      q
        .whereIn("status", ["pending", "failed"])
        .orWhere((stale) =>
          stale.where("status", "processing").andWhere("updated_at", "<", knex.raw("now() - make_interval(secs => ?)", [staleAfterMs / 1000])),
        ),
    )
    .update({ status: "processing", attempts: knex.raw("attempts + 1"), updated_at: knex.fn.now() })
    .returning(["id", "delivery_id", "event", "action", "installation_id", "payload", "received_at"]);
  return rows[0] ? toDelivery(rows[0]) : null;
}

export async function finishDelivery(knex: Knex, id: number, status: DeliveryStatus, error: string | null = null): Promise<void> {
  const done = status === "processed" || status === "skipped";
  await knex("webhook_deliveries")
    .where({ id })
    .update({ status, error, updated_at: knex.fn.now(), processed_at: done ? knex.fn.now() : null });
}

/** Deliveries that should have been processed by now: pending too long, or processing on a dead worker. */
export async function listOverdueDeliveries(
  knex: Knex,
  options: { pendingForMs: number; staleAfterMs: number; limit: number },
): Promise<Array<{ id: number; attempts: number }>> {
  const rows: Array<{ id: number | string; attempts: number }> = await knex("webhook_deliveries")
    .select("id", "attempts")
    .where((q) =>
      q
        .where("status", "pending")
        .andWhere("received_at", "<=", knex.raw("now() - make_interval(secs => ?)", [options.pendingForMs / 1000])),
    )
    .orWhere((q) =>
      q.where("status", "processing").andWhere("updated_at", "<", knex.raw("now() - make_interval(secs => ?)", [options.staleAfterMs / 1000])),
    )
    .orderBy("received_at", "asc")
    .limit(options.limit);
  return rows.map((r) => ({ id: Number(r.id), attempts: Number(r.attempts) }));
}

export interface InboxStats {
  processed: number;
  pending: number;
  failed: number;
  skipped: number;
  lastReceivedAt: Date | null;
}

export async function getInboxStats(knex: Knex): Promise<InboxStats> {
  const rows: Array<{ status: DeliveryStatus; count: string | number; last: Date | null }> = await knex("webhook_deliveries")
    .select("status")
    .count({ count: "*" })
    .max({ last: "received_at" })
    .groupBy("status");
  const count = (status: DeliveryStatus) => Number(rows.find((r) => r.status === status)?.count ?? 0);
  const last = rows.map((r) => r.last).filter((d): d is Date => d !== null).sort((a, b) => +new Date(b) - +new Date(a))[0];
  return {
    processed: count("processed"),
    pending: count("pending") + count("processing"),
    failed: count("failed"),
    skipped: count("skipped"),
    lastReceivedAt: last ? new Date(last) : null,
  };
}
