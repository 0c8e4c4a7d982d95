import type { ParamMatcher } from "@sveltejs/kit";

/** GitHub repository names: letters, digits, ".", "-" and "_", at most 100 characters, never "." or "..". */
export const match: ParamMatcher = (param) => /^[A-Za-z0-9._-]{1,100}$/.test(param) && param !== "." && param !== "..";
