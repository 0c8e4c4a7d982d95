import { fail, redirect } from "@sveltejs/kit";
import { callApi, loadSkills, requireSession } from "$lib/server/session";
import { preferencesFromForm } from "$lib/server/session-forms";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const session = requireSession((await event.parent()).session, event.url);
  const analysed = session.onboarding.state !== "signed_in";
  return { session, skills: analysed ? await loadSkills(event) : null };
};

export const actions: Actions = {
  preferences: async (event) => {
    const answer = await callApi<{ onboarding: { state: string } }>(event, "PATCH", "/api/users/me/preferences", preferencesFromForm(await event.request.formData()));
    if (!answer.ok) return fail(answer.status, { message: answer.error?.message ?? "Your preferences could not be saved" });
    redirect(303, "/settings/skills?welcome=1");
  },
  reanalyze: async (event) => {
    const answer = await callApi(event, "POST", "/api/users/me/refresh-profile");
    return answer.ok ? { saved: "Analysing again…" } : fail(answer.status, { message: answer.error?.message });
  },
  skip: async (event) => {
    const answer = await callApi(event, "POST", "/api/users/me/onboarding", { state: "profile_analyzed" });
    return answer.ok ? { saved: "Skipped: add your skills yourself in Settings." } : fail(answer.status, { message: answer.error?.message });
  },
};
