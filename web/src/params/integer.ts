import type { ParamMatcher } from "@sveltejs/kit";

/** Issue numbers: positive integers without leading zeros. */
export const match: ParamMatcher = (param) => /^[1-9]\d{0,9}$/.test(param);
