import { errors, jwtVerify, SignJWT } from "jose";

/** Who a valid access token speaks for. sessionId is the refresh-token family (one sign-in). */
export interface SessionClaims {
  userId: number;
  login: string;
  sessionId: number;
}

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ALGORITHM = "HS256";
const AUDIENCE = "illuminate-api";

export class InvalidAccessTokenError extends Error {
  override name = "InvalidAccessTokenError";
  constructor(
    public readonly reason: "expired" | "invalid",
    options?: { cause?: unknown },
  ) {
    super(reason === "expired" ? "the session has expired" : "the session token is not valid", options);
  }
}

export async function signAccessToken(key: Uint8Array, issuer: string, claims: SessionClaims, now: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ login: claims.login, sid: String(claims.sessionId) })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(String(claims.userId))
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ACCESS_TOKEN_TTL_SECONDS)
    .sign(key);
}

/**
 * Only HS256 is accepted (so `alg: none` or an asymmetric-key confusion never verifies), and the
 * issuer, audience and expiry are all checked against our clock.
 */
export async function verifyAccessToken(key: Uint8Array, issuer: string, token: string, now: Date): Promise<SessionClaims> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      issuer,
      audience: AUDIENCE,
      requiredClaims: ["sub", "exp", "iat"],
      currentDate: now,
      clockTolerance: 5,
    }));
  } catch (cause) {
    throw new InvalidAccessTokenError(cause instanceof errors.JWTExpired ? "expired" : "invalid", { cause });
  }
  const userId = Number(payload.sub);
  const sessionId = Number(payload.sid);
  if (!Number.isSafeInteger(userId) || userId <= 0 || !Number.isSafeInteger(sessionId) || sessionId <= 0 || typeof payload.login !== "string") {
    throw new InvalidAccessTokenError("invalid");
  }
  return { userId, login: payload.login, sessionId };
}
