import { createHash, randomBytes } from "node:crypto";

/** RFC 7636 S256: a 43-character verifier kept by us, its SHA-256 sent to GitHub. */
export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: pkceChallenge(verifier) };
}

export const pkceChallenge = (verifier: string) => createHash("sha256").update(verifier, "ascii").digest("base64url");
