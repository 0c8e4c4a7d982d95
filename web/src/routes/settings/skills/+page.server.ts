import { fail } from "@sveltejs/kit";
import { callApi, loadSkills } from "$lib/server/session";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  return { skills: await loadSkills(event, true), welcome: event.url.searchParams.has("welcome") };
};

const skillPath = (form: FormData) => `/api/users/me/skills/${encodeURIComponent(String(form.get("skill") ?? ""))}` as const;

export const actions: Actions = {
  hide: async (event) => {
    const answer = await callApi(event, "PATCH", skillPath(await event.request.formData()), { hidden: true });
    return answer.ok ? { saved: "Hidden from your profile." } : fail(answer.status, { message: answer.error?.message });
  },
  show: async (event) => {
    const answer = await callApi(event, "PATCH", skillPath(await event.request.formData()), { hidden: false });
    return answer.ok ? { saved: "Shown again." } : fail(answer.status, { message: answer.error?.message });
  },
  level: async (event) => {
    const form = await event.request.formData();
    const answer = await callApi(event, "PATCH", skillPath(form), { level: Number(form.get("level")) / 100 });
    return answer.ok ? { saved: "Level saved; the analysis will keep it." } : fail(answer.status, { message: answer.error?.message });
  },
  add: async (event) => {
    const form = await event.request.formData();
    const answer = await callApi(event, "POST", "/api/users/me/skills", {
      skill: String(form.get("skill") ?? "").trim().toLowerCase().replace(/\s+/g, "-"),
      kind: String(form.get("kind") ?? "language"),
      level: Number(form.get("level") ?? 50) / 100,
    });
    return answer.ok ? { saved: "Skill added." } : fail(answer.status, { message: answer.error?.message });
  },
  reanalyze: async (event) => {
    const answer = await callApi<{ message: string }>(event, "POST", "/api/users/me/refresh-profile");
    return answer.ok ? { saved: answer.data?.message } : fail(answer.status, { message: answer.error?.message });
  },
};
