// `tsx src/sample/sample-cli.ts load [--issues N] | reset` — one line out, exit 0; one line on stderr and exit 1 on error.
import { ConfigError, loadConfigFromProcess, type Config } from "../config.js";
import { createIlluminate } from "../create-illuminate.js";
import { createLogger } from "../create-logger.js";
import { createDb } from "../db/create-db.js";
import { migrateLatest } from "../db/migrate.js";
import { sampleAllowed } from "./create-sample-data.js";
import { loadSampleData } from "./load-sample-data.js";
import { resetSampleData } from "./reset-sample-data.js";
import { getSampleMarker } from "./sample-marker.js";

const USAGE = "usage: sample-cli load [--issues N] | reset";

// One line is the answer: the load's per-delivery logs (and the jobs that cannot reach GitHub
// without an app) would drown it. LOG_LEVEL=debug shows them.
const quietLevel = (config: Config) => (["debug", "trace"].includes(config.logLevel) ? config.logLevel : "silent");

async function load(config: Config, issues: number | undefined): Promise<string> {
  if (!sampleAllowed(config)) throw new Error("sample data is only for a server without a GitHub App, outside production");
  const log = createLogger(quietLevel(config));
  // A worker of its own: the same inbox, registry and jobs as the server, without the HTTP side.
  const illuminate = await createIlluminate({ ...config, role: "worker", sampleData: "off" }, { log });
  try {
    const marker = await getSampleMarker(illuminate.db.knex);
    if (marker?.status === "loaded") return "sample data is already loaded (npm run sample:reset removes it)";
    const result = await loadSampleData(
      { db: illuminate.db, queue: illuminate.queue, inbox: illuminate.inbox, log, now: () => new Date() },
      { issues },
    );
    return `sample data loaded: ${result.deliveries} webhook deliveries through the inbox in ${(result.ms / 1000).toFixed(1)} s${result.failed > 0 ? ` (${result.failed} failed)` : ""}`;
  } finally {
    await illuminate.close();
  }
}

async function reset(config: Config): Promise<string> {
  const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateLatest(db);
    const removed = await resetSampleData(db.knex, new Date());
    if (removed.installations + removed.repositories + removed.deliveries + removed.users + removed.contributions === 0) {
      return "no sample data to remove; it will not be loaded at the next start";
    }
    return `sample data removed: ${removed.repositories} repositories, ${removed.issues} issues, ${removed.deliveries} deliveries, ${removed.contributions} contributions, ${removed.users} user`;
  } finally {
    await db.close();
  }
}

async function main(args: string[]): Promise<string> {
  const [action, ...rest] = args;
  let issues: number | undefined;
  if (rest.length > 0) {
    if (action !== "load" || rest[0] !== "--issues" || rest.length !== 2 || !/^\d{1,4}$/.test(rest[1]!) || Number(rest[1]) < 1) throw new Error(USAGE);
    issues = Number(rest[1]);
  }
  if (action !== "load" && action !== "reset") throw new Error(USAGE);
  let config: Config;
  try {
    config = loadConfigFromProcess();
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`invalid configuration: ${error.problems.join("; ")}`, { cause: error });
    throw error;
  }
  return action === "load" ? load(config, issues) : reset(config);
}

main(process.argv.slice(2)).then(
  (line) => {
    console.log(line);
    process.exit(0);
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`sample: ${message.split("\n")[0]}`);
    process.exit(1);
  },
);
