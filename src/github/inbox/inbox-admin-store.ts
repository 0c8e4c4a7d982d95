import type { Knex } from "knex";
import type { DeliveryStatus } from "./inbox-store.js";

export const DELIVERY_STATUSES = ["pending", "processing", "processed", "failed", "skipped"] as const satisfies readonly DeliveryStatus[];

/** What an operator sees of a delivery: never its payload. */
export interface DeliverySummary {
  id: number;
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
  receivedAt: Date;
  processedAt: Date | null;
  updatedAt: Date;
}

const toSummary = (r: Record<string, unknown>): DeliverySummary => ({
  id: Number(r.id),
  deliveryId: r.delivery_id as string,
  event: r.event as string,
  action: (r.action as string | null) ?? null,
  installationId: r.installation_id === null ? null : Number(r.installation_id),
  repositoryId: r.repository_id === null ? null : Number(r.repository_id),
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  error: (r.error as string | null) ?? null,
  receivedAt: r.received_at as Date,
  processedAt: (r.processed_at as Date | null) ?? null,
  updatedAt: r.updated_at as Date,
});

const COLUMNS = ["id", "delivery_id", "event", "action", "installation_id", "repository_id", "status", "attempts", "error", "received_at", "processed_at", "updated_at"];

/** Newest first, by row id; `beforeId` is the cursor (the last id of the previous page). */
export async function listDeliveries(
  knex: Knex,
  options: { status?: DeliveryStatus; event?: string; beforeId?: number; limit: number },
): Promise<{ deliveries: DeliverySummary[]; nextCursor: number | null }> {
  const rows: Array<Record<string, unknown>> = await knex("webhook_deliveries")
    .modify((q) => {
      if (options.status) q.where("status", options.status);
      if (options.event) q.where("event", options.event);
      if (options.beforeId !== undefined) q.where("id", "<", options.beforeId);
    })
    .orderBy("id", "desc")
    .limit(options.limit + 1)
    .select(COLUMNS);
  const deliveries = rows.slice(0, options.limit).map(toSummary);
  return { deliveries, nextCursor: rows.length > options.limit ? deliveries.at(-1)!.id : null };
}

export async function getDeliverySummary(knex: Knex, id: number): Promise<DeliverySummary | null> {
  const row = await knex("webhook_deliveries").where({ id }).first(COLUMNS);
  return row ? toSummary(row) : null;
}

/**
 * Puts a failed or skipped delivery back to pending, once: the caller that gets the row back
 * enqueues it. A delivery pending, in progress or processed is left alone, so repeating the
 * request never processes a delivery twice.
 */
export async function reopenDelivery(knex: Knex, id: number): Promise<DeliverySummary | null> {
  const rows: Array<Record<string, unknown>> = await knex("webhook_deliveries")
    .where({ id })
    .whereIn("status", ["failed", "skipped"])
    .update({ status: "pending", error: null, processed_at: null, updated_at: knex.fn.now() })
    .returning(COLUMNS);
  return rows[0] ? toSummary(rows[0]) : null;
}
