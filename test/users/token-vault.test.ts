import { describe, expect, it } from "vitest";
import { createTokenVault, TokenDecryptionError } from "../../src/users/tokens/token-vault.js";

const key = (id: string, fill: number) => ({ id, key: Buffer.alloc(32, fill) });

describe("the token vault (AES-256-GCM)", () => {
  const vault = createTokenVault([key("k1", 7)]);
  const context = { userId: 42, kind: "access" };

  it("opens what it sealed, with a fresh 96-bit nonce every time and the key id stored alongside", () => {
    const a = vault.seal("ghu_secret", context);
    const b = vault.seal("ghu_secret", context);
    expect(a.nonce).toHaveLength(12);
    expect(a.authTag).toHaveLength(16);
    expect(a.keyId).toBe("k1");
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.toString("utf8")).not.toContain("ghu_secret");
    expect(vault.open(a, context)).toBe("ghu_secret");
  });

  it("fails to open when any single byte of the ciphertext, nonce or tag is changed", () => {
    const sealed = vault.seal("ghu_0123456789abcdef", context);
    for (const part of ["ciphertext", "nonce", "authTag"] as const) {
      for (let index = 0; index < sealed[part].length; index += 1) {
        const tampered = { ...sealed, [part]: Buffer.from(sealed[part]) };
        tampered[part][index]! ^= 0x01;
        expect(() => vault.open(tampered, context), `${part}[${index}]`).toThrow(TokenDecryptionError);
      }
    }
  });

  it("binds a value to its user and kind: copied to another row it does not open", () => {
    const sealed = vault.seal("ghu_secret", context);
    expect(() => vault.open(sealed, { userId: 43, kind: "access" })).toThrow(TokenDecryptionError);
    expect(() => vault.open(sealed, { userId: 42, kind: "refresh" })).toThrow(TokenDecryptionError);
  });

  it("opens values sealed with an older key while sealing with the first, and names a missing key", () => {
    const old = createTokenVault([key("k1", 7)]).seal("ghu_old", context);
    const rotated = createTokenVault([key("k2", 9), key("k1", 7)]);
    expect(rotated.open(old, context)).toBe("ghu_old");
    expect(rotated.seal("ghu_new", context).keyId).toBe("k2");
    expect(() => createTokenVault([key("k2", 9)]).open(old, context)).toThrow(/no encryption key with id "k1"/);
  });
});
