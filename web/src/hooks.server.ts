import type { Handle, HandleFetch, HandleServerError } from "@sveltejs/kit";
import { apiOrigin } from "$lib/server/api-origin";
import { THEME_COOKIE, toTheme } from "$lib/theme";

/** Paths served by the Express app around us rather than by SvelteKit's router. */
const SERVER_PREFIXES = ["/api/", "/auth/"];

/**
 * A colour scheme chosen in the footer is written on <html> by the server, so the page never
 * flashes the other one and needs no inline script (which the CSP forbids anyway).
 */
export const handle: Handle = async ({ event, resolve }) => {
  const theme = toTheme(event.cookies.get(THEME_COOKIE));
  if (theme === "system") return resolve(event);
  return resolve(event, { transformPageChunk: ({ html }) => html.replace('<html lang="en">', `<html lang="en" data-theme="${theme}">`) });
};

export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
  const url = new URL(request.url);
  if (url.origin !== event.url.origin || !SERVER_PREFIXES.some((prefix) => url.pathname.startsWith(prefix))) {
    return fetch(request);
  }

  const target = new Request(`${apiOrigin(event)}${url.pathname}${url.search}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    redirect: request.redirect,
    // Node requires this to stream a request body; without a body it changes nothing.
    duplex: "half",
  } as RequestInit);
  // Seen from SvelteKit the call is now cross-origin and would lose the visitor's cookies, yet it is our own API.
  const cookie = event.request.headers.get("cookie");
  if (cookie) target.headers.set("cookie", cookie);
  // The API's log lines then share the page request's id.
  const requestId = event.platform?.req?.id;
  if (typeof requestId === "string") target.headers.set("x-request-id", requestId);
  return globalThis.fetch(target);
};

export const handleError: HandleServerError = ({ error, event, status, message }) => {
  // Unknown paths and bad methods are the visitor's doing; the request log already records them.
  if (status < 500) return { message };
  const log = event.platform?.req?.log;
  if (log) log.error({ err: error, path: event.url.pathname }, "page failed");
  else console.error(error);
  return { message: "The page could not be shown because of an error on the server." };
};
