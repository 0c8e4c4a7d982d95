import { isRecord } from "$lib/api-types";

export interface Delivery {
  id: number;
  deliveryId: string;
  event: string;
  action: string | null;
  status: "pending" | "processing" | "processed" | "failed" | "skipped";
  attempts: number;
  error: string | null;
  receivedAt: string;
  processedAt: string | null;
}

export interface InboxPage {
  deliveries: Delivery[];
  nextCursor: string | null;
  stats: { processed: number; pending: number; failed: number; skipped: number; lastReceivedAt: string | null };
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface QueuesView {
  driver: "bullmq" | "memory";
  health: { ok: boolean; error?: string };
  total: JobCounts;
  /** one row per worker lane (docs/architecture.md, "Lanes"); empty for a queue without lanes */
  lanes?: Array<JobCounts & { lane: string }>;
  jobs: Array<JobCounts & { name: string }>;
  recentFailed: Array<{ id: string; name: string; error: string; attemptsMade: number; failedAt: string | null }>;
}

export const isInboxPage = (value: unknown): value is InboxPage =>
  isRecord(value) && Array.isArray(value.deliveries) && isRecord(value.stats);

export const isQueuesView = (value: unknown): value is QueuesView =>
  isRecord(value) && Array.isArray(value.jobs) && isRecord(value.total) && Array.isArray(value.recentFailed);

export const STATUSES = ["pending", "processing", "processed", "failed", "skipped"] as const;
