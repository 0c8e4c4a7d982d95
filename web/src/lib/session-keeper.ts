/**
 * Keeps an open tab signed in: the access cookie lives 15 minutes, so shortly before it lapses the
 * page trades its refresh token (POST /auth/refresh, sent only to /auth) for a new pair. A form
 * left open for an hour then still submits. Returns a function that stops it.
 */
export function keepSessionFresh(intervalMs = 12 * 60_000): () => void {
  const timer = setInterval(() => {
    void fetch("/auth/refresh", { method: "POST", credentials: "same-origin" }).catch(() => undefined);
  }, intervalMs);
  return () => clearInterval(timer);
}
