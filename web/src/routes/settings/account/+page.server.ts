import { fail, redirect } from "@sveltejs/kit";
import { callApi } from "$lib/server/session";
import type { Actions } from "./$types";

export const actions: Actions = {
  delete: async (event) => {
    const confirmLogin = String((await event.request.formData()).get("confirmLogin") ?? "");
    const answer = await callApi(event, "DELETE", "/api/users/me", { confirmLogin });
    if (!answer.ok) return fail(answer.status, { message: answer.error?.message ?? "The account could not be deleted" });
    for (const name of ["__Host-illuminate_session", "illuminate_session", "__Host-illuminate_csrf", "illuminate_csrf"]) {
      event.cookies.delete(name, { path: "/", secure: event.url.protocol === "https:" });
    }
    redirect(303, "/");
  },
};
