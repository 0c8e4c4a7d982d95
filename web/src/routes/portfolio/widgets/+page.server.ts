import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ parent, url }) => {
  const { session } = await parent();
  // Anyone may try the builder with any login; signed in, it starts with their own.
  return { login: session?.user.login ?? url.searchParams.get("user") ?? "", origin: url.origin, isPublic: session?.user.publicProfile ?? null };
};
