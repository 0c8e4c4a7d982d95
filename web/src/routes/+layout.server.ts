import { building } from "$app/environment";
import type { ApiResult, Health } from "$lib/api-types";
import { loadHealth } from "$lib/server/load-health";
import { loadUnreadCount } from "$lib/notifications/load-unread-count";
import { loadSession } from "$lib/server/session";
import { THEME_COOKIE, toTheme } from "$lib/theme";
import type { LayoutServerLoad } from "./$types";

// Prerendered pages (the landing page) are written at build time and served as files: they cannot
// carry one instance's live status, so they say nothing about it rather than something stale.
const PRERENDERED: ApiResult<Health> = { ok: false, problem: { kind: "prerendered", message: "this page was prerendered" } };

// Every page shows the setup banner and the footer status, so health is loaded once here.
export const load: LayoutServerLoad = async (event) => {
  const { fetch } = event;
  // The signed-in user (null when signed out, and always on prerendered pages) for the user menu.
  const session = building ? null : await loadSession(event);
  // The header's notifications badge.
  return {
    health: building ? PRERENDERED : await loadHealth(fetch),
    session,
    unreadNotifications: await loadUnreadCount(event, session !== null),
    // The footer's colours form shows the current choice.
    theme: building ? toTheme(null) : toTheme(event.cookies.get(THEME_COOKIE)),
  };
};
