import { fail } from "@sveltejs/kit";
import { isGrowth, isNextSteps, PERIODS } from "$lib/growth/growth-types";
import { callApi } from "$lib/server/session";
import type { Actions, PageServerLoad } from "./$types";

const DAY_MS = 86_400_000;
const FIELD_LIMIT = 2_000;

export const load: PageServerLoad = async (event) => {
  const { session } = await event.parent();
  const asked = Number(event.url.searchParams.get("period"));
  const period = (PERIODS as readonly number[]).includes(asked) ? asked : 90;
  if (!session) return { growth: null, nextSteps: null, problem: null, period };
  const from = new Date(Date.now() - period * DAY_MS).toISOString();
  const [me, steps] = await Promise.all([
    callApi<unknown>(event, "GET", `/api/growth/me?from=${encodeURIComponent(from)}`),
    callApi<unknown>(event, "GET", "/api/growth/suggestions"),
  ]);
  const growth = me.ok && isGrowth(me.data) ? me.data : null;
  const nextSteps = steps.ok && isNextSteps(steps.data) ? steps.data : null;
  return { growth, nextSteps, problem: growth ? null : (me.error?.message ?? "Your growth could not be loaded"), period };
};

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

export const actions: Actions = {
  reflect: async (event) => {
    const form = await event.request.formData();
    const values = { learned: text(form, "learned"), hard: text(form, "hard"), next: text(form, "next") };
    const contribution = text(form, "contributionId");
    const isPublic = form.get("isPublic") === "on";
    if (!values.learned.trim() && !values.hard.trim() && !values.next.trim()) {
      return fail(400, { reflectMessage: "Write at least one answer before saving.", values });
    }
    if (Object.values(values).some((v) => v.length > FIELD_LIMIT)) {
      return fail(400, { reflectMessage: `Each answer can be at most ${FIELD_LIMIT} characters.`, values });
    }
    const answer = await callApi(event, "POST", "/api/growth/reflections", {
      ...values,
      isPublic,
      ...(/^\d+$/.test(contribution) ? { contributionId: Number(contribution) } : {}),
    });
    if (!answer.ok) return fail(answer.status, { reflectMessage: answer.error?.message ?? "The reflection could not be saved", values });
    return { reflected: isPublic ? "Saved, and shown on your public portfolio." : "Saved. Only you can see it." };
  },
  visibility: async (event) => {
    const form = await event.request.formData();
    const id = text(form, "id");
    if (!/^\d+$/.test(id)) return fail(400, { listMessage: "Unknown reflection" });
    const answer = await callApi(event, "PATCH", `/api/growth/reflections/${id}`, { isPublic: text(form, "isPublic") === "true" });
    if (!answer.ok) return fail(answer.status, { listMessage: answer.error?.message ?? "The reflection could not be changed" });
    return { listDone: "Visibility changed." };
  },
  delete: async (event) => {
    const id = text(await event.request.formData(), "id");
    if (!/^\d+$/.test(id)) return fail(400, { listMessage: "Unknown reflection" });
    const answer = await callApi(event, "DELETE", `/api/growth/reflections/${id}`);
    if (!answer.ok) return fail(answer.status, { listMessage: answer.error?.message ?? "The reflection could not be deleted" });
    return { listDone: "Reflection deleted." };
  },
};
