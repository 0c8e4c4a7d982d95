import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { HttpError } from "../http/http-error.js";

/**
 * Opaque pagination cursors: base64url JSON plus an HMAC, so a client can neither forge a position
 * nor carry a cursor over to other filters (the filters' digest is inside the signed part).
 */
export interface SignedCursor {
  encode(scope: string, filters: unknown, position: Record<string, unknown>): string;
  decode<T extends Record<string, unknown>>(scope: string, filters: unknown, cursor: string): T;
}

const MAX_CURSOR_LENGTH = 1_000;

export const filtersDigest = (filters: unknown) => createHash("sha256").update(JSON.stringify(filters)).digest("base64url").slice(0, 16);

export function createSignedCursor(secret: string): SignedCursor {
  const key = createHmac("sha256", secret).update("illuminate matching cursor").digest();
  const sign = (scope: string, body: string) => createHmac("sha256", key).update(`${scope}.${body}`).digest("base64url");
  const invalid = () => new HttpError(400, "invalid_cursor", "The cursor is not valid for this request: start again from the first page");
  return {
    encode(scope, filters, position) {
      const body = Buffer.from(JSON.stringify({ f: filtersDigest(filters), p: position })).toString("base64url");
      return `${body}.${sign(scope, body)}`;
    },
    decode(scope, filters, cursor) {
      if (cursor.length > MAX_CURSOR_LENGTH) throw invalid();
      const [body, mac, extra] = cursor.split(".");
      if (!body || !mac || extra !== undefined) throw invalid();
      const expected = Buffer.from(sign(scope, body));
      const given = Buffer.from(mac);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
      let parsed: { f?: unknown; p?: unknown };
      try {
        parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
      } catch {
        throw invalid();
      }
      if (parsed.f !== filtersDigest(filters) || typeof parsed.p !== "object" || parsed.p === null) {
        throw new HttpError(400, "invalid_cursor", "The cursor belongs to other filters: start again from the first page");
      }
      return parsed.p as never;
    },
  };
}
