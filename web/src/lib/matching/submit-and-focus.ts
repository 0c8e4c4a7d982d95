import type { SubmitFunction } from "@sveltejs/kit";

/**
 * For forms whose button may vanish with the update (a thumbs down hides its issue): after the page
 * reloads its data, focus moves to the notice that says what happened, not to the top of the page.
 */
export const submitAndFocusNotice: SubmitFunction = () => {
  return async ({ update }) => {
    await update();
    document.getElementById("action-notice")?.focus();
  };
};
