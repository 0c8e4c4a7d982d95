import { fail, redirect, type RequestEvent } from "@sveltejs/kit";
import { isRecord } from "$lib/api-types";
import { callApi, type ApiAnswer } from "$lib/server/session";

/**
 * The operator pages' sign-in. The API checks the token and answers with the cookie to set (an
 * HMAC of the token, never the token); every page load and action then calls the admin API,
 * which checks that cookie again, so nothing here decides on its own who is an operator.
 */

interface AdminCookie {
  name: string;
  value: string;
  path: string;
  maxAgeSeconds: number;
  httpOnly: boolean;
  sameSite: "strict";
  secure: boolean;
}

const isAdminCookie = (value: unknown): value is AdminCookie =>
  isRecord(value) && typeof value.name === "string" && typeof value.value === "string" && typeof value.path === "string";

/** 401/403 from the admin API: the page shows the sign-in form instead of its content. */
export const needsSignIn = (answer: ApiAnswer<unknown>) => answer.status === 401 || answer.status === 403;

export async function signIn(event: RequestEvent) {
  const form = await event.request.formData();
  const token = String(form.get("token") ?? "").trim();
  if (!token) return fail(400, { signInMessage: "Enter the ADMIN_TOKEN of this server." });
  const answer = await callApi<{ required: boolean; cookie: unknown }>(event, "POST", "/api/admin/session", { token: token.slice(0, 500) });
  if (!answer.ok) {
    return fail(answer.status === 401 ? 401 : answer.status, { signInMessage: answer.status === 401 ? "That is not the admin token." : (answer.error?.message ?? "Sign-in failed.") });
  }
  const cookie = answer.data?.cookie;
  if (isAdminCookie(cookie)) {
    event.cookies.set(cookie.name, cookie.value, {
      path: cookie.path,
      maxAge: cookie.maxAgeSeconds,
      httpOnly: true,
      sameSite: "strict",
      secure: cookie.secure,
    });
  }
  redirect(303, event.url.pathname);
}

export function signOut(event: RequestEvent) {
  event.cookies.delete("illuminate_admin", { path: "/admin" });
  redirect(303, event.url.pathname);
}
