import type { RequestEvent } from "@sveltejs/kit";

/**
 * Where this process's own JSON API can be reached from inside it.
 *
 * SvelteKit routes a same-origin `fetch` from a load through its own router, which knows nothing
 * about the Express routes under /api/, and the public origin may not be reachable from inside the
 * container (TLS ends at the proxy; without ORIGIN adapter-node assumes https). The socket the
 * request arrived on is, by definition, one our server listens on, so we call back through it.
 */
export function apiOrigin(event: Pick<RequestEvent, "platform" | "url">): string {
  const socket = event.platform?.req?.socket;
  if (!socket?.localPort || !socket.localAddress) return event.url.origin;
  const protocol = "encrypted" in socket && socket.encrypted ? "https" : "http";
  return `${protocol}://${formatHost(socket.localAddress)}:${socket.localPort}`;
}

function formatHost(address: string): string {
  // A dual-stack listener reports IPv4 peers as IPv4-mapped IPv6 addresses.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  // IPv6 literals go in brackets, and a zone id's "%" must itself be escaped inside a URL.
  return address.includes(":") ? `[${address.replace("%", "%25")}]` : address;
}
