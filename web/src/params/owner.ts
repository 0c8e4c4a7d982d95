import type { ParamMatcher } from "@sveltejs/kit";

/** GitHub user and organisation names: letters, digits and hyphens, at most 39 characters, not starting with a hyphen. */
export const match: ParamMatcher = (param) => /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/.test(param);
