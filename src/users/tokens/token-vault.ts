import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { EncryptionKey } from "../../config.js";

/** What is stored for one secret: never the plaintext, always the key that sealed it. */
export interface SealedSecret {
  ciphertext: Buffer;
  nonce: Buffer;
  authTag: Buffer;
  keyId: string;
}

/** Binds a ciphertext to its owner and purpose, so a value copied to another row fails to open. */
export interface SecretContext {
  userId: number;
  kind: string;
}

export class TokenDecryptionError extends Error {
  override name = "TokenDecryptionError";
}

export interface TokenVault {
  /** the key id new secrets are sealed with */
  readonly primaryKeyId: string;
  seal(plaintext: string, context: SecretContext): SealedSecret;
  /** Throws TokenDecryptionError when the key is unknown or anything was altered. */
  open(sealed: SealedSecret, context: SecretContext): string;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function associatedData(context: SecretContext, keyId: string): Buffer {
  return Buffer.from(`illuminate/user-token/v1|${context.userId}|${context.kind}|${keyId}`, "utf8");
}

/**
 * AES-256-GCM with a random 96-bit nonce per seal. The first key seals; every listed key opens,
 * which is what lets `npm run rotate-keys` move old rows to a new key without downtime.
 */
export function createTokenVault(keys: EncryptionKey[]): TokenVault {
  const primary = keys[0];
  if (!primary) throw new Error("the token vault needs at least one encryption key");
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  return {
    primaryKeyId: primary.id,
    seal(plaintext, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv("aes-256-gcm", primary.key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(context, primary.id));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return { ciphertext, nonce, authTag: cipher.getAuthTag(), keyId: primary.id };
    },
    open(sealed, context) {
      const key = byId.get(sealed.keyId);
      if (!key) throw new TokenDecryptionError(`no encryption key with id "${sealed.keyId}" is configured`);
      if (sealed.nonce.length !== NONCE_BYTES || sealed.authTag.length !== TAG_BYTES) {
        throw new TokenDecryptionError("malformed sealed secret");
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, sealed.nonce, { authTagLength: TAG_BYTES });
        decipher.setAAD(associatedData(context, sealed.keyId));
        decipher.setAuthTag(sealed.authTag);
        return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString("utf8");
      } catch (cause) {
        throw new TokenDecryptionError("the sealed secret failed authentication", { cause });
      }
    },
  };
}
