import { callApi } from "$lib/server/session";
import type { PageServerLoad } from "./$types";
import { isInstallationList, type MaintainedInstallation } from "./maintainer-types";

export const load: PageServerLoad = async (event) => {
  const { session } = await event.parent();
  // Signed out: the page explains what maintainers get and offers sign-in.
  if (!session) return { installations: null as MaintainedInstallation[] | null, problem: null as string | null };
  const answer = await callApi<unknown>(event, "GET", "/api/maintainers/installations");
  if (answer.ok && isInstallationList(answer.data)) return { installations: answer.data.installations, problem: null };
  return { installations: null, problem: answer.error?.message ?? "The API answered in an unexpected shape" };
};
