import { callApi } from "$lib/server/session";
import { isRepositoryView, type MaintainerRepositoryView } from "../../maintainer-types";
import type { PageServerLoad } from "./$types";

const WINDOWS = [30, 90, 180, 365] as const;

export const load: PageServerLoad = async (event) => {
  const { session } = await event.parent();
  const { owner, repo } = event.params;
  const asked = Number(event.url.searchParams.get("days"));
  const days = (WINDOWS as readonly number[]).includes(asked) ? asked : 90;
  const base = { owner, repo, days, windows: WINDOWS as readonly number[] };
  if (!session) return { ...base, view: null as MaintainerRepositoryView | null, problem: null as { status: number; message: string } | null };
  const answer = await callApi<unknown>(event, "GET", `/api/maintainers/repositories/${owner}/${repo}?days=${days}`);
  if (answer.ok && isRepositoryView(answer.data)) return { ...base, view: answer.data, problem: null };
  const problem = answer.ok
    ? { status: 502, message: "The API answered in an unexpected shape" }
    : { status: answer.status, message: answer.error?.message ?? "This repository could not be loaded" };
  return { ...base, view: null, problem };
};
