import { isRecord, type ApiErrorBody, type ApiResult } from "$lib/api-types";

/** Long enough for a cold embedded database, short enough that a stuck API cannot hang a page. */
const API_TIMEOUT_MS = 5_000;

/**
 * Reads one JSON resource of our API with the load's `fetch` (so the hook can route it and the
 * user's cookies go along). Every failure becomes an `ApiResult` the page can render: a dashboard
 * whose API is down should say so, not answer 500.
 */
export async function getFromApi<T>(
  fetch: typeof globalThis.fetch,
  path: `/api/${string}`,
  isShape: (value: unknown) => value is T,
): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
  } catch (cause) {
    const timedOut = cause instanceof DOMException && cause.name === "TimeoutError";
    return {
      ok: false,
      problem: { kind: "unreachable", message: timedOut ? "the API did not answer in time" : "the API could not be reached" },
    };
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }

  // A health check may answer 503 while degraded and still describe itself, so the shape decides.
  if (isShape(body)) return { ok: true, data: body };

  if (!response.ok) {
    const error = isApiErrorBody(body) ? body.error : undefined;
    return {
      ok: false,
      problem: {
        kind: "error",
        status: response.status,
        code: error?.code,
        message: error?.message ?? `the API answered ${response.status}`,
      },
    };
  }

  return { ok: false, problem: { kind: "invalid", status: response.status, message: "the API answered in an unexpected shape" } };
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (!isRecord(value) || !isRecord(value.error)) return false;
  return typeof value.error.code === "string" && typeof value.error.message === "string";
}

export { isRecord };
