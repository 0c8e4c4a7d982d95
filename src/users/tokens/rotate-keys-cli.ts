// `npm run rotate-keys`: after putting a new key first in ENCRYPTION_KEYS (keeping the old ones),
// re-encrypts every stored GitHub token with it. Afterwards the old keys can be removed.
import { ConfigError, loadConfigFromProcess } from "../../config.js";
import { createLogger } from "../../create-logger.js";
import { createDb } from "../../db/create-db.js";
import { migrateLatest } from "../../db/migrate.js";
import { rotateKeys } from "./rotate-keys.js";
import { createTokenVault } from "./token-vault.js";

async function main(): Promise<void> {
  const config = loadConfigFromProcess();
  const log = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log });
  try {
    await migrateLatest(db);
    const vault = createTokenVault(config.encryptionKeys);
    const report = await rotateKeys(db.knex, vault, log);
    console.log(`rotate-keys: ${report.rotated} re-encrypted with key "${vault.primaryKeyId}", ${report.current} already on it, ${report.failed.length} failed`);
    for (const failure of report.failed) {
      console.error(`rotate-keys: user ${failure.userId} ${failure.kind} token (key "${failure.keyId}"): ${failure.reason}`);
    }
    if (report.failed.length > 0) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.problems.join("; ") : error instanceof Error ? error.message : String(error);
  console.error(`rotate-keys: ${message.split("\n")[0]}`);
  process.exitCode = 1;
});
