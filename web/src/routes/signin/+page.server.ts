import { redirect } from "@sveltejs/kit";
import type { PageServerLoad } from "./$types";

const problems: Record<string, string> = {
  access_denied: "You declined the authorization on GitHub, so nothing was shared. You can try again whenever you like.",
  session_expired: "Your session ended. Sign in again to carry on.",
  session_revoked: "You were signed out (from another device, or because the GitHub authorization was revoked). Sign in again to carry on.",
  refresh_token_reused: "Your session was ended for your safety because its credentials were used twice. Sign in again.",
  invalid_refresh_token: "Your session could not be renewed. Sign in again to carry on.",
};

/** Only a path on this site may be returned to. */
function safeReturnTo(value: string | null): string {
  if (!value || !value.startsWith("/") || /^\/[/\\]/.test(value) || value.length > 500) return "";
  return value;
}

export const load: PageServerLoad = async ({ parent, url }) => {
  const { session } = await parent();
  const returnTo = safeReturnTo(url.searchParams.get("returnTo"));
  if (session) redirect(303, returnTo || (session.onboarding.completed ? "/settings" : "/onboarding"));
  const code = url.searchParams.get("error") ?? url.searchParams.get("reason");
  const problem = code ? (problems[code] ?? "Signing in did not complete. Please try again.") : null;
  return { returnTo, problem };
};
