import { fail } from "@sveltejs/kit";
import { callApi } from "$lib/server/session";
import { isPortfolio } from "./portfolio-types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const { session } = await event.parent();
  // Signed out: the page explains the portfolio and offers sign-in instead of redirecting.
  if (!session) return { portfolio: null, problem: null, today: new Date().toISOString().slice(0, 10) };
  const answer = await callApi<unknown>(event, "GET", "/api/portfolio/me?limit=100");
  const portfolio = answer.ok && isPortfolio(answer.data) ? answer.data : null;
  return { portfolio, problem: portfolio ? null : (answer.error?.message ?? "Your portfolio could not be loaded"), today: new Date().toISOString().slice(0, 10) };
};

export const actions: Actions = {
  add: async (event) => {
    const url = String((await event.request.formData()).get("url") ?? "").trim();
    if (!url) return fail(400, { message: "Paste the address of a merged pull request", url });
    const answer = await callApi<{ created: boolean }>(event, "POST", "/api/portfolio/contributions", { url });
    if (!answer.ok) return fail(answer.status, { message: answer.error?.message ?? "The pull request could not be added", url });
    return { added: answer.data?.created ? "Added to your portfolio." : "It was already in your portfolio." };
  },
};
