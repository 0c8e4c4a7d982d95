import { createHmac, timingSafeEqual } from "node:crypto";
import { HttpError } from "../http/http-error.js";
import { isKind, KINDS, type Kind } from "./kinds.js";

/** How long an unsubscribe link in an email keeps working. */
export const UNSUBSCRIBE_TTL_MS = 90 * 24 * 3600_000;

export interface UnsubscribeScope {
  userId: number;
  /** the kinds whose email stops, or every kind */
  kinds: Kind[] | "all";
  expiresAt: Date;
}

interface Payload {
  u: number;
  k: string[] | "all";
  e: number;
}

/**
 * Unsubscribe links work without signing in, so the link itself is the authority: a payload
 * (user, kinds, expiry) and an HMAC over it with a key derived from the server's secret.
 */
export function createUnsubscribeTokens(secret: string) {
  const key = createHmac("sha256", secret).update("illuminate unsubscribe links").digest();
  const sign = (body: string) => createHmac("sha256", key).update(body).digest("base64url");

  return {
    create(userId: number, kinds: Kind[] | "all", now: Date): string {
      const payload: Payload = { u: userId, k: kinds === "all" ? "all" : [...kinds].sort(), e: Math.floor((now.getTime() + UNSUBSCRIBE_TTL_MS) / 1000) };
      const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
      return `${body}.${sign(body)}`;
    },

    /** Throws a 400 for a link that was altered or made up, a 410 for an expired one. */
    verify(token: unknown, now: Date): UnsubscribeScope {
      const forged = new HttpError(400, "invalid_unsubscribe_link", "This unsubscribe link is not valid: it may have been cut or altered. Use the link from the latest email, or change your settings after signing in.");
      if (typeof token !== "string" || token.length === 0 || token.length > 600) throw forged;
      const [body, mac, extra] = token.split(".");
      if (!body || !mac || extra !== undefined) throw forged;
      const expected = Buffer.from(sign(body));
      const given = Buffer.from(mac);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw forged;
      let payload: Payload;
      try {
        payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Payload;
      } catch {
        throw forged;
      }
      const kinds = payload.k === "all" ? "all" : Array.isArray(payload.k) && payload.k.every((k) => typeof k === "string" && isKind(k)) ? (payload.k as Kind[]) : null;
      if (!Number.isSafeInteger(payload.u) || !Number.isSafeInteger(payload.e) || kinds === null) throw forged;
      const expiresAt = new Date(payload.e * 1000);
      if (expiresAt.getTime() <= now.getTime()) {
        throw new HttpError(410, "unsubscribe_link_expired", "This unsubscribe link has expired. Use the link from a recent email, or change your settings after signing in.");
      }
      return { userId: payload.u, kinds, expiresAt };
    },
  };
}

export type UnsubscribeTokens = ReturnType<typeof createUnsubscribeTokens>;

export const describeScope = (kinds: Kind[] | "all") => (kinds === "all" || kinds.length === KINDS.length ? "all Illuminate emails" : kinds.join(", "));
