import { requireSession } from "$lib/server/session";
import type { LayoutServerLoad } from "./$types";

export const load: LayoutServerLoad = async ({ parent, url }) => {
  const { session } = await parent();
  return { session: requireSession(session, url) };
};
