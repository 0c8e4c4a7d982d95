import type { Knex } from "knex";
import type { Logger } from "pino";
import { TokenDecryptionError, type TokenVault } from "./token-vault.js";

export interface RotationReport {
  /** rows re-encrypted with the primary key */
  rotated: number;
  /** rows already on the primary key */
  current: number;
  /** rows that could not be opened (unknown key or tampered), left as they were */
  failed: Array<{ userId: number; kind: string; keyId: string; reason: string }>;
}

interface SealedRow {
  user_id: number;
  kind: string;
  ciphertext: Buffer;
  nonce: Buffer;
  auth_tag: Buffer;
  key_id: string;
}

/**
 * Re-encrypts every stored token that is not sealed with the primary key. Each row is updated only
 * if it still holds the value that was read, so a sign-in racing the rotation is never overwritten.
 */
export async function rotateKeys(knex: Knex, vault: TokenVault, log: Logger, batchSize = 200): Promise<RotationReport> {
  const report: RotationReport = { rotated: 0, current: 0, failed: [] };
  report.current = Number(
    ((await knex("user_tokens").where({ key_id: vault.primaryKeyId }).count({ n: "*" }).first()) as { n: string | number }).n,
  );
  const skipped = new Set<string>();
  for (;;) {
    const rows: SealedRow[] = await knex("user_tokens")
      .whereNot({ key_id: vault.primaryKeyId })
      .orderBy(["user_id", "kind"])
      .limit(batchSize + skipped.size)
      .select("user_id", "kind", "ciphertext", "nonce", "auth_tag", "key_id");
    const todo = rows.filter((r) => !skipped.has(`${r.user_id}/${r.kind}`));
    if (todo.length === 0) break;
    for (const row of todo) {
      const context = { userId: Number(row.user_id), kind: row.kind };
      let plaintext: string;
      try {
        plaintext = vault.open({ ciphertext: row.ciphertext, nonce: row.nonce, authTag: row.auth_tag, keyId: row.key_id }, context);
      } catch (error) {
        if (!(error instanceof TokenDecryptionError)) throw error;
        skipped.add(`${row.user_id}/${row.kind}`);
        report.failed.push({ userId: context.userId, kind: row.kind, keyId: row.key_id, reason: error.message });
        log.warn({ userId: context.userId, kind: row.kind, keyId: row.key_id, reason: error.message }, "token not rotated");
        continue;
      }
      const sealed = vault.seal(plaintext, context);
      const updated = await knex("user_tokens")
        .where({ user_id: row.user_id, kind: row.kind, key_id: row.key_id, nonce: row.nonce })
        .update({ ciphertext: sealed.ciphertext, nonce: sealed.nonce, auth_tag: sealed.authTag, key_id: sealed.keyId });
      if (updated === 1) report.rotated += 1;
    }
  }
  return report;
}
