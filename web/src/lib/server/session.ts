import { redirect, type Cookies, type RequestEvent } from "@sveltejs/kit";
import type { Session, UserSkill, SessionSummary } from "$lib/session-types";
import { isRecord } from "./get-from-api";

const ACCESS = ["__Host-illuminate_session", "illuminate_session"];
const CSRF = ["__Host-illuminate_csrf", "illuminate_csrf"];

const firstCookie = (cookies: Cookies, names: string[]) => names.map((name) => cookies.get(name)).find(Boolean);

type Event = Pick<RequestEvent, "cookies" | "fetch" | "url" | "request">;

export interface ApiAnswer<T> {
  ok: boolean;
  status: number;
  data?: T;
  error?: { code: string; message: string };
}

/**
 * Calls our API from a load or an action with the visitor's cookies (the hook forwards them) and,
 * for writes, the double-submit CSRF token the API asks of cookie-authenticated requests.
 */
export async function callApi<T>(event: Event, method: string, path: `/api/${string}`, body?: unknown): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const csrf = firstCookie(event.cookies, CSRF);
  if (method !== "GET" && csrf) headers["x-csrf-token"] = csrf;
  let response: Response;
  try {
    response = await event.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  } catch {
    return { ok: false, status: 503, error: { code: "unreachable", message: "The Illuminate API could not be reached" } };
  }
  let parsed: unknown;
  if (response.status !== 204) parsed = await response.json().catch(() => undefined);
  if (response.ok) return { ok: true, status: response.status, data: parsed as T };
  const error = isRecord(parsed) && isRecord(parsed.error) ? (parsed.error as { code: string; message: string }) : { code: "error", message: `The API answered ${response.status}` };
  return { ok: false, status: response.status, error };
}

const refreshUrl = (url: URL) => `/auth/refresh?returnTo=${encodeURIComponent(url.pathname + url.search)}`;

/**
 * The signed-in user, or null. When the short-lived access cookie has lapsed but a session exists
 * (its CSRF cookie is still there), the browser is sent through /auth/refresh and straight back.
 */
export async function loadSession(event: Event): Promise<Session | null> {
  const access = firstCookie(event.cookies, ACCESS);
  const sessionExists = Boolean(firstCookie(event.cookies, CSRF));
  const canRedirect = event.request.method === "GET";
  if (!access) {
    if (sessionExists && canRedirect) redirect(303, refreshUrl(event.url));
    return null;
  }
  const answer = await callApi<Session>(event, "GET", "/api/users/me");
  if (answer.ok && answer.data && isRecord(answer.data.user)) return answer.data;
  if (answer.error?.code === "session_expired" && canRedirect) redirect(303, refreshUrl(event.url));
  if (answer.status === 401) {
    // Signed out elsewhere (or the GitHub authorization was revoked): forget the dead cookies.
    for (const name of [...ACCESS, ...CSRF]) event.cookies.delete(name, { path: "/", secure: event.url.protocol === "https:" });
  }
  return null;
}

/** For pages that make no sense signed out: off to the sign-in page, coming back here afterwards. */
export function requireSession(session: Session | null, url: URL): Session {
  if (!session) redirect(303, `/signin?returnTo=${encodeURIComponent(url.pathname + url.search)}`);
  return session;
}

export async function loadSkills(event: Event, includeHidden = false): Promise<UserSkill[] | null> {
  const answer = await callApi<{ skills: UserSkill[] }>(event, "GET", `/api/users/me/skills${includeHidden ? "?includeHidden=true" : ""}`);
  return answer.ok ? (answer.data?.skills ?? []) : null;
}

export async function loadSessions(event: Event): Promise<SessionSummary[] | null> {
  const answer = await callApi<{ sessions: SessionSummary[] }>(event, "GET", "/api/users/me/sessions");
  return answer.ok ? (answer.data?.sessions ?? []) : null;
}
