import type { HandleFetch, HandleServerError } from "@sveltejs/kit";
import { apiOrigin } from "$lib/server/api-origin";

/** Paths served by the Express app around us rather than by SvelteKit's router. */
const SERVER_PREFIXES = ["/api/", "/auth/"];

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
