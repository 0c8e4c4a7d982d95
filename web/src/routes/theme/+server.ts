import { redirect } from "@sveltejs/kit";
import { THEME_COOKIE, toTheme } from "$lib/theme";
import type { RequestHandler } from "./$types";

const YEAR = 365 * 24 * 3600;

/** Only a path on this site, so the form cannot be used to send people elsewhere. */
function localPath(value: FormDataEntryValue | null): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/";
}

// A plain form post (SvelteKit has already checked its origin): works without JavaScript, and the
// page it returns to is rendered in the new colours by the server.
export const POST: RequestHandler = async ({ request, cookies }) => {
  const form = await request.formData().catch(() => null);
  const theme = toTheme(typeof form?.get("colours") === "string" ? (form!.get("colours") as string) : null);
  if (theme === "system") cookies.delete(THEME_COOKIE, { path: "/" });
  else cookies.set(THEME_COOKIE, theme, { path: "/", maxAge: YEAR, sameSite: "lax", httpOnly: true });
  redirect(303, localPath(form?.get("returnTo") ?? null));
};
