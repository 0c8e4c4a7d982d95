import { fail } from "@sveltejs/kit";
import { callApi } from "$lib/server/session";
import { needsSignIn, signIn, signOut } from "../admin.server";
import { isInboxPage, STATUSES, type InboxPage } from "../admin-types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const params = event.url.searchParams;
  const status = STATUSES.find((s) => s === params.get("status")) ?? "";
  const event_ = /^[a-z_]{1,60}$/.test(params.get("event") ?? "") ? params.get("event")! : "";
  const cursor = /^[1-9]\d{0,15}$/.test(params.get("cursor") ?? "") ? params.get("cursor")! : "";
  const query = new URLSearchParams();
  if (status) query.set("status", status);
  if (event_) query.set("event", event_);
  const filters = query.toString();
  if (cursor) query.set("cursor", cursor);
  const answer = await callApi<unknown>(event, "GET", `/api/admin/inbox?${query}`);
  const base = { status, event: event_, filters, cursor };
  if (needsSignIn(answer)) return { ...base, signedIn: false, page: null as InboxPage | null, problem: answer.status === 403 ? (answer.error?.message ?? null) : null };
  if (answer.ok && isInboxPage(answer.data)) return { ...base, signedIn: true, page: answer.data, problem: null };
  return { ...base, signedIn: true, page: null, problem: answer.error?.message ?? "The inbox could not be loaded" };
};

export const actions: Actions = {
  signIn,
  signOut,
  redeliver: async (event) => {
    const form = await event.request.formData();
    const id = String(form.get("id") ?? "");
    if (!/^[1-9]\d{0,15}$/.test(id)) return fail(400, { actionMessage: "That is not a delivery id." });
    const answer = await callApi<{ requeued: boolean; delivery: { deliveryId: string; status: string } }>(event, "POST", `/api/admin/inbox/${id}/redeliver`);
    if (!answer.ok) return fail(answer.status, { actionMessage: answer.error?.message ?? "Redelivery failed." });
    const { requeued, delivery } = answer.data!;
    return {
      actionMessage: requeued
        ? `Delivery ${delivery.deliveryId} is queued to be processed again.`
        : `Delivery ${delivery.deliveryId} is ${delivery.status}; nothing to redeliver.`,
    };
  },
};
