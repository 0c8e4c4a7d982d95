// Errors that mean "the database cannot be reached right now", as opposed to a bad query: the
// server is down, restarting, refusing connections, or every pooled connection is busy. A request
// that meets one gets 503 with Retry-After, so clients and load balancers wait and try again.

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN", "ENETUNREACH"]);

// SQLSTATE: class 08 is "connection exception"; 57P01–57P03 are the server shutting down or
// starting up; 53300 is too many connections.
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300"]);

const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /connection error and is not queryable/i,
  /Knex: Timeout acquiring a connection/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

export const DATABASE_RETRY_AFTER_SECONDS = 5;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith("08"))) return true;
    if (current.name === "KnexTimeoutError") return true;
    if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(current.message))) return true;
    // Several connection attempts at once fail together (Node's happy-eyeballs connect).
    if (current instanceof AggregateError && current.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}
