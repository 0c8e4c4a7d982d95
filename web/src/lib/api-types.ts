/** Shapes of the JSON API under /api/, as the dashboard reads them. */

/** A JSON object (not null, not an array): the first check of every shape guard. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface Health {
  status: "ok" | "degraded";
  version: string;
  uptimeSeconds: number;
  database: { ok: boolean; kind: "pg" | "pglite" };
  queue: { ok: boolean; driver: "bullmq" | "memory" };
  redis: { ok: boolean; configured: boolean };
  github: { appConfigured: boolean; setupUrl?: string };
  /** the first-run sample dataset (see npm run sample:reset) */
  sampleData?: { loaded: boolean; loading?: boolean };
}

export interface Stats {
  installations: number;
  repositories: number;
  issuesIndexed: number;
  openIssues: number;
  deliveriesProcessed: number;
  deliveriesPending: number;
  lastDeliveryAt: string | null;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/**
 * What a load hands to a page: the data, or why it is missing. Loads never throw for a failing
 * API, so a page can always render and say what is unavailable.
 */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; problem: ApiProblem };

export interface ApiProblem {
  /**
   * `unreachable`: no answer at all; `error`: the API answered with an error; `invalid`: an answer
   * we could not read; `prerendered`: the page was written at build time, when no API runs.
   */
  kind: "unreachable" | "error" | "invalid" | "prerendered";
  status?: number;
  code?: string;
  message: string;
}
