import { loadHealth } from "$lib/server/load-health";
import type { LayoutServerLoad } from "./$types";

// Every page shows the setup banner and the footer status, so health is loaded once here.
export const load: LayoutServerLoad = async ({ fetch }) => {
  return { health: await loadHealth(fetch) };
};
