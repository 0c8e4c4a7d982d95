import { fail, type ActionFailure, type RequestEvent } from "@sveltejs/kit";
import { callApi } from "$lib/server/session";
import { DOWN_REASONS } from "./reasons";

/** What every matching form action answers, so one notice component can show any of them. */
export interface ActionResult {
  action: "thumbs" | "undoThumbs" | "watch" | "unwatch" | "addRepository";
  ok: boolean;
  message: string;
  issueId?: number;
  /** what to offer back: "undo" after a thumbs vote */
  undo?: boolean;
  repository?: string;
}

const REASONS = new Set<string>(DOWN_REASONS.map((r) => r.value));

type Answer = ActionResult | ActionFailure<ActionResult>;

const positive = (value: FormDataEntryValue | null) => {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

const failed = (status: number, result: Omit<ActionResult, "ok">) => fail(status, { ...result, ok: false });

export async function thumbs(event: RequestEvent): Promise<Answer> {
  const form = await event.request.formData();
  const issueId = positive(form.get("issueId"));
  const value = String(form.get("value") ?? "");
  const reason = String(form.get("reason") ?? "");
  if (!issueId) return failed(400, { action: "thumbs", message: "This page is missing the issue's id; reload it" });
  if (value !== "up" && value !== "down") return failed(400, { action: "thumbs", issueId, message: "Choose “More like this” or “Not for me”" });
  if (!REASONS.has(reason)) return failed(400, { action: "thumbs", issueId, message: "Choose one of the reasons offered" });
  const answer = await callApi<{ effect: string }>(event, "POST", `/api/issues/${issueId}/thumbs`, { value, ...(value === "down" && reason ? { reason } : {}) });
  if (!answer.ok) return failed(answer.status, { action: "thumbs", issueId, message: answer.error?.message ?? "Your vote could not be saved" });
  return { action: "thumbs", ok: true, issueId, undo: true, message: answer.data?.effect ?? "Saved." };
}

export async function undoThumbs(event: RequestEvent): Promise<Answer> {
  const issueId = positive((await event.request.formData()).get("issueId"));
  if (!issueId) return failed(400, { action: "undoThumbs", message: "This page is missing the issue's id; reload it" });
  const answer = await callApi(event, "DELETE", `/api/issues/${issueId}/thumbs`);
  if (!answer.ok) return failed(answer.status, { action: "undoThumbs", issueId, message: answer.error?.message ?? "Your vote could not be withdrawn" });
  return { action: "undoThumbs", ok: true, issueId, message: "Vote withdrawn: the feed ranks as if you had not voted." };
}

export async function watch(event: RequestEvent): Promise<Answer> {
  const issueId = positive((await event.request.formData()).get("issueId"));
  if (!issueId) return failed(400, { action: "watch", message: "This page is missing the issue's id; reload it" });
  const answer = await callApi(event, "POST", "/api/watchlist", { issueId });
  if (!answer.ok) return failed(answer.status, { action: "watch", issueId, message: answer.error?.message ?? "The issue could not be watched" });
  return { action: "watch", ok: true, issueId, message: answer.status === 201 ? "Watching: changes to this issue appear on your watchlist." : "You were already watching this issue." };
}

export async function unwatch(event: RequestEvent): Promise<Answer> {
  const form = await event.request.formData();
  const itemId = positive(form.get("itemId"));
  const issueId = positive(form.get("issueId")) ?? undefined;
  if (!itemId) return failed(400, { action: "unwatch", message: "This page is missing the watchlist item's id; reload it" });
  const answer = await callApi(event, "DELETE", `/api/watchlist/${itemId}`);
  // Already gone (another tab) is what the visitor wanted.
  if (!answer.ok && answer.status !== 404) return failed(answer.status, { action: "unwatch", issueId, message: answer.error?.message ?? "It could not be removed from your watchlist" });
  return { action: "unwatch", ok: true, issueId, message: "Removed from your watchlist." };
}

const OWNER_NAME = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

export async function addRepository(event: RequestEvent): Promise<Answer> {
  // Accept a pasted GitHub address as well as owner/name.
  const raw = String((await event.request.formData()).get("repository") ?? "").trim();
  const repository = raw.replace(/^https?:\/\/github\.com\//i, "").replace(/(\.git)?\/*$/, "");
  if (!OWNER_NAME.test(repository)) return failed(400, { action: "addRepository", repository: raw.slice(0, 200), message: "Enter a repository as owner/name, for example sveltejs/kit" });
  const answer = await callApi<{ repository: { fullName: string } }>(event, "POST", "/api/watchlist", { repository });
  if (!answer.ok) return failed(answer.status, { action: "addRepository", repository, message: answer.error?.message ?? "The repository could not be watched" });
  const name = answer.data?.repository.fullName ?? repository;
  return { action: "addRepository", ok: true, message: answer.status === 201 ? `Watching ${name}.` : `You were already watching ${name}.` };
}
