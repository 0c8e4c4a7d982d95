import { fail } from "@sveltejs/kit";
import { callApi } from "$lib/server/session";
import { needsSignIn, signIn, signOut } from "../admin.server";
import { isQueuesView, type QueuesView } from "../admin-types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const answer = await callApi<unknown>(event, "GET", "/api/admin/queues");
  if (needsSignIn(answer)) return { signedIn: false, view: null as QueuesView | null, problem: answer.status === 403 ? (answer.error?.message ?? null) : null };
  if (answer.ok && isQueuesView(answer.data)) return { signedIn: true, view: answer.data, problem: null };
  return { signedIn: true, view: null, problem: answer.error?.message ?? "The queue could not be read" };
};

export const actions: Actions = {
  signIn,
  signOut,
  retry: async (event) => {
    const form = await event.request.formData();
    const name = String(form.get("name") ?? "");
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) return fail(400, { actionMessage: "That is not a job name." });
    const answer = await callApi<{ retried: number }>(event, "POST", `/api/admin/queues/${encodeURIComponent(name)}/retry-failed`);
    if (!answer.ok) return fail(answer.status, { actionMessage: answer.error?.message ?? "Retrying failed." });
    const retried = answer.data!.retried;
    return { actionMessage: retried === 0 ? `No failed ${name} job was left to retry.` : `${retried} failed ${name} job${retried === 1 ? "" : "s"} moved back to waiting.` };
  },
};
