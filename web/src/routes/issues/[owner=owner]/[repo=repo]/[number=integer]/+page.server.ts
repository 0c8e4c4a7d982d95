import { fail } from "@sveltejs/kit";
import { callApi } from "$lib/server/session";
import { isDeepDiveView, type DeepDiveView } from "./deep-dive-types";
import type { Actions, PageServerLoad } from "./$types";

export type DeepDiveResult = { ok: true; data: DeepDiveView } | { ok: false; status: number; code: string; message: string };

export const load: PageServerLoad = async (event) => {
  const { owner, repo, number } = event.params;
  const answer = await callApi<unknown>(event, "GET", `/api/repos/${owner}/${repo}/issues/${number}/deep-dive`);
  let deepDive: DeepDiveResult;
  if (answer.ok && isDeepDiveView(answer.data)) deepDive = { ok: true, data: answer.data };
  else if (answer.ok) deepDive = { ok: false, status: 502, code: "invalid", message: "The API answered in an unexpected shape" };
  else deepDive = { ok: false, status: answer.status, code: answer.error?.code ?? "error", message: answer.error?.message ?? "The deep dive could not be loaded" };
  return { deepDive };
};

const positive = (value: FormDataEntryValue | null) => {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

export const actions: Actions = {
  regenerate: async (event) => {
    const issueId = positive((await event.request.formData()).get("issueId"));
    if (!issueId) return fail(400, { action: "regenerate", message: "This page is missing the issue's id; reload it" });
    const answer = await callApi(event, "POST", `/api/issues/${issueId}/deep-dive/regenerate`);
    if (!answer.ok) return fail(answer.status, { action: "regenerate", message: answer.error?.message ?? "The deep dive could not be regenerated" });
    return { action: "regenerate", message: "A new version is being written; this page updates when it is ready." };
  },
  report: async (event) => {
    const form = await event.request.formData();
    const issueId = positive(form.get("issueId"));
    const deepDiveId = positive(form.get("deepDiveId"));
    const section = String(form.get("section") ?? "all");
    if (!issueId || !deepDiveId) return fail(400, { action: "report", section, message: "This page is missing the deep dive's id; reload it" });
    const comment = String(form.get("comment") ?? "").trim();
    const answer = await callApi(event, "POST", `/api/issues/${issueId}/deep-dive/report`, {
      deepDiveId,
      section,
      reason: String(form.get("reason") ?? "inaccurate"),
      ...(comment ? { comment } : {}),
    });
    if (!answer.ok) return fail(answer.status, { action: "report", section, message: answer.error?.message ?? "The report could not be sent" });
    return { action: "report", section, message: "Thank you: the maintainers will see your report." };
  },
};
