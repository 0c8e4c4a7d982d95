import { fail } from "@sveltejs/kit";
import { isNotificationPage, isNotificationPreferences } from "$lib/notifications/notification-types";
import { callApi } from "$lib/server/session";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const { session } = await event.parent();
  const unreadOnly = event.url.searchParams.get("unread") === "true";
  const cursor = event.url.searchParams.get("cursor");
  if (!session) return { page: null, preferences: null, problem: null, unreadOnly };
  const query = new URLSearchParams({ limit: "30", ...(unreadOnly ? { unread: "true" } : {}), ...(cursor && /^\d+$/.test(cursor) ? { cursor } : {}) });
  const [list, prefs] = await Promise.all([
    callApi<unknown>(event, "GET", `/api/notifications?${query}`),
    callApi<unknown>(event, "GET", "/api/notifications/preferences"),
  ]);
  const page = list.ok && isNotificationPage(list.data) ? list.data : null;
  const preferences = prefs.ok && isNotificationPreferences(prefs.data) ? prefs.data : null;
  return { page, preferences, problem: page ? null : (list.error?.message ?? "Your notifications could not be loaded"), unreadOnly };
};

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

export const actions: Actions = {
  read: async (event) => {
    const id = text(await event.request.formData(), "id");
    if (!/^\d+$/.test(id)) return fail(400, { listMessage: "Unknown notification" });
    const answer = await callApi(event, "POST", `/api/notifications/${id}/read`);
    if (!answer.ok) return fail(answer.status, { listMessage: answer.error?.message ?? "The notification could not be marked read" });
    return { listDone: "Marked as read." };
  },
  readAll: async (event) => {
    const answer = await callApi<{ updated: number }>(event, "POST", "/api/notifications/read-all");
    if (!answer.ok) return fail(answer.status, { listMessage: answer.error?.message ?? "Your notifications could not be marked read" });
    return { listDone: `Marked ${answer.data?.updated ?? 0} as read.` };
  },
  settings: async (event) => {
    const form = await event.request.formData();
    const kinds: Record<string, { inApp: boolean; email: string }> = {};
    for (const kind of form.getAll("kind").map(String)) {
      kinds[kind] = { inApp: form.has(`inApp:${kind}`), email: text(form, `email:${kind}`) || "off" };
    }
    const zone = text(form, "timezone");
    const body = {
      kinds,
      digestHour: Number(text(form, "digestHour")),
      weeklyDay: Number(text(form, "weeklyDay")),
      matchThreshold: Number(text(form, "matchThreshold")) / 100,
      timezone: zone === "" ? null : zone,
    };
    const answer = await callApi(event, "PUT", "/api/notifications/preferences", body);
    if (!answer.ok) return fail(answer.status, { settingsMessage: answer.error?.message ?? "Your notification settings could not be saved" });
    return { settingsSaved: "Notification settings saved." };
  },
};
