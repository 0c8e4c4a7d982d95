// `tsx src/db/migrate-cli.ts latest | rollback [--all] | status`
import { loadConfigFromProcess } from "../config.js";
import { createDb } from "./create-db.js";
import { listMigrations, migrateLatest, migrateRollback, migrateRollbackAll } from "./migrate.js";

const USAGE = "usage: migrate-cli latest | rollback [--all] | status";

async function main(args: string[]): Promise<void> {
  const [action, flag] = args;
  if (!["latest", "rollback", "status"].includes(action ?? "") || (flag !== undefined && flag !== "--all")) {
    throw new Error(USAGE);
  }
  const config = loadConfigFromProcess();
  const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (action === "latest") {
      const applied = await migrateLatest(db);
      for (const name of applied) console.log(`applied ${name}`);
      if (applied.length === 0) console.log("already up to date");
    } else if (action === "rollback") {
      const undone = flag === "--all" ? await migrateRollbackAll(db) : await migrateRollback(db);
      for (const name of undone) console.log(`rolled back ${name}`);
      if (undone.length === 0) console.log("nothing to roll back");
    } else {
      const { applied, pending } = await listMigrations(db);
      for (const name of applied) console.log(`applied ${name}`);
      for (const name of pending) console.log(`pending ${name}`);
    }
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`migrate: ${message.split("\n")[0]}`);
  process.exitCode = 1;
});
