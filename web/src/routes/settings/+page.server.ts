import { fail } from "@sveltejs/kit";
import { callApi } from "$lib/server/session";
import { preferencesFromForm } from "$lib/server/session-forms";
import type { Actions } from "./$types";

export const actions: Actions = {
  preferences: async (event) => {
    const answer = await callApi(event, "PATCH", "/api/users/me/preferences", preferencesFromForm(await event.request.formData()));
    if (!answer.ok) return fail(answer.status, { message: answer.error?.message ?? "Your preferences could not be saved" });
    return { saved: "Preferences saved." };
  },
  profile: async (event) => {
    const form = await event.request.formData();
    const answer = await callApi(event, "PATCH", "/api/users/me/profile", { publicProfile: form.has("publicProfile"), bio: String(form.get("bio") ?? "").trim() || null });
    if (!answer.ok) return fail(answer.status, { message: answer.error?.message ?? "Your profile could not be saved" });
    return { saved: "Profile saved." };
  },
};
