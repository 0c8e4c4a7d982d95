import { fail, redirect } from "@sveltejs/kit";
import { callApi, loadSessions } from "$lib/server/session";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => ({ sessions: await loadSessions(event) });

export const actions: Actions = {
  revoke: async (event) => {
    const id = Number((await event.request.formData()).get("id"));
    const answer = await callApi(event, "DELETE", `/api/users/me/sessions/${Number.isInteger(id) ? id : 0}`);
    return answer.ok ? { saved: "Signed out of that session." } : fail(answer.status, { message: answer.error?.message });
  },
  revokeAll: async (event) => {
    const answer = await callApi(event, "DELETE", "/api/users/me/sessions");
    if (!answer.ok) return fail(answer.status, { message: answer.error?.message });
    for (const name of ["__Host-illuminate_session", "illuminate_session", "__Host-illuminate_csrf", "illuminate_csrf"]) {
      event.cookies.delete(name, { path: "/", secure: event.url.protocol === "https:" });
    }
    redirect(303, "/signin");
  },
};
