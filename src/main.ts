import { ConfigError, loadConfigFromProcess } from "./config.js";
import { createIlluminate } from "./create-illuminate.js";
import { createLogger } from "./create-logger.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfigFromProcess();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`illuminate: invalid configuration: ${error.problems.join("; ")}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const illuminate = await createIlluminate(config, { log });
  await illuminate.listen();
  log.info({ role: config.role, url: config.publicUrl, port: config.port }, "illuminate listening");

  const shutdown = (signal: string) => {
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      log.error("shutdown took too long; exiting");
      process.exit(1);
    }, 30_000);
    force.unref();
    illuminate.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`illuminate: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
