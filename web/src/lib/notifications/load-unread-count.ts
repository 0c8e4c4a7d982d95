import type { RequestEvent } from "@sveltejs/kit";
import { callApi } from "$lib/server/session";

/** The header badge's count: 0 when signed out or when the API cannot say. */
export async function loadUnreadCount(event: Pick<RequestEvent, "cookies" | "fetch" | "url" | "request">, signedIn: boolean): Promise<number> {
  if (!signedIn) return 0;
  const answer = await callApi<{ count: number }>(event, "GET", "/api/notifications/unread-count");
  return answer.ok && typeof answer.data?.count === "number" ? answer.data.count : 0;
}
