import { hkdfSync } from "node:crypto";

/**
 * Separate keys for separate jobs, all derived from SESSION_SECRET: a value signed for one purpose
 * (say, the OAuth state cookie) can then never pass as another (an access token or a CSRF token).
 */
export interface SessionKeys {
  accessToken: Uint8Array;
  oauthState: Uint8Array;
  csrf: Buffer;
}

export function deriveSessionKeys(secret: string): SessionKeys {
  const derive = (purpose: string) => Buffer.from(hkdfSync("sha256", secret, "illuminate-session-keys", purpose, 32));
  return { accessToken: derive("access-token v1"), oauthState: derive("oauth-state v1"), csrf: derive("csrf v1") };
}
