import { fork } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { loadConfig } from "../src/config.js";
import { createIlluminate } from "../src/create-illuminate.js";
import { createQueue } from "../src/queue/create-queue.js";
import { removeQueueKeys, startGithubStub, throwawayDatabase } from "./bench-services.js";
import type { LoadResult, LoadRun } from "./bench-webhook-load.js";

// npm run bench:webhooks — signed deliveries over HTTP at a controlled rate, against the real
// Illuminate server (createIlluminate; embedded database and in-process queue, or PostgreSQL and
// Redis when DATABASE_URL / REDIS_URL are set — a throwaway database and queue prefix on them) and
// against a bare Probot app with an empty handler, in the same run. The load comes from a child
// process. Reports deliveries acknowledged per second and acknowledgement latency p50/p99, at a
// fixed rate and flat out (the median of alternating rounds, BENCH_ROUNDS, default 3).

const SECRET = "bench-webhook-secret";
const RATE = Number(process.env.BENCH_RATE ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** flat-out runs per server, alternating, so a passing disturbance of the machine hits both */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const INSTALLATION_ID = 957387;
/** all (the default: the worker shares the process) or web (acknowledging only; nothing is processed) */
const ROLE = process.env.BENCH_ROLE === "web" ? "web" : "all";

function load(run: LoadRun): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // fork() passes this process's loader flags on, so the child runs TypeScript too.
    const child = fork(fileURLToPath(new URL("./bench-webhook-load.ts", import.meta.url)));
    child.once("message", (result: LoadResult) => resolve(result));
    child.once("error", reject);
    child.once("exit", (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    child.send(run);
  });
}

async function main() {
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;
  const dataDir = mkdtempSync(join(tmpdir(), "illuminate-bench-"));
  const database = process.env.DATABASE_URL ? await throwawayDatabase(process.env.DATABASE_URL, "webhooks") : null;
  const log = pino({ level: "silent" });
  const github = await startGithubStub();
  const config = loadConfig({
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    APP_ID: "1",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: SECRET,
    ROLE,
    DATA_DIR: dataDir,
    DATABASE_URL: database?.url,
    REDIS_URL: process.env.REDIS_URL,
    WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY,
  });
  const prefix = `bench-${randomBytes(4).toString("hex")}`;
  const queue = config.redisUrl ? createQueue({ redisUrl: config.redisUrl, prefix, log }) : undefined;
  const illuminate = await createIlluminate(config, { log, queue, web: (_req, res) => void res.status(404).end() });
  await illuminate.db.knex("installations")
    .insert({ id: INSTALLATION_ID, account_id: 21031067, account_login: "Codertocat", account_type: "User", target_type: "User" })
    .onConflict("id")
    .ignore();
  const illuminateServer = await illuminate.listen(0, "127.0.0.1");
  const illuminateUrl = `http://127.0.0.1:${(illuminateServer.address() as AddressInfo).port}/api/github/webhooks`;

  const bareProcess = fork(fileURLToPath(new URL("./bench-bare-probot.ts", import.meta.url)));
  const bareUrl = await new Promise<string>((resolve, reject) => {
    bareProcess.once("message", (message: { url: string }) => resolve(message.url));
    bareProcess.once("error", reject);
    bareProcess.send({ privateKey, secret: SECRET });
  });
  const bareCpuMicros = () =>
    new Promise<number>((resolve) => {
      const listener = (message: { cpuMicros?: number }) => {
        if (message.cpuMicros === undefined) return;
        bareProcess.off("message", listener);
        resolve(message.cpuMicros);
      };
      bareProcess.on("message", listener);
      bareProcess.send({ cpu: true });
    });
  const ownCpuMicros = () => process.cpuUsage().user + process.cpuUsage().system;

  const count = RATE * SECONDS;
  const where = `${config.databaseUrl ? "PostgreSQL" : "embedded PGlite"} and ${config.redisUrl ? "BullMQ on Redis" : "the in-process queue"}`;
  console.log(`bench:webhooks — ${count} signed deliveries at ${RATE}/s, then ${count} from ${CONCURRENCY} concurrent senders`);
  const role = ROLE === "all" ? "ROLE=all: the worker runs in the same process" : "ROLE=web: acknowledging only, no worker";
  console.log(`Illuminate (${role}) on ${where}; bare Probot with an empty handler\n`);

  let offset = 0;
  let acceptedByIlluminate = 0;
  const run = async (url: string, mode: LoadRun["mode"], n = count) => {
    const result = await load({ url, secret: SECRET, installationId: INSTALLATION_ID, mode, count: n, rate: RATE, concurrency: CONCURRENCY, offset });
    offset += n;
    if (url === illuminateUrl) acceptedByIlluminate += result.acked;
    return result;
  };
  const drain = async (accepted: number, limitMs = 600_000) => {
    const started = performance.now();
    if (ROLE === "web") return { done: 0, failed: 0, seconds: 0 };
    for (;;) {
      const stats = await illuminate.inbox.stats();
      const done = stats.processed + stats.skipped + stats.failed;
      // Idle also means the jobs the handlers queued (health, notifications, …) have run, so the
      // next run, bare Probot's included, does not share the machine with them.
      const { total } = await illuminate.queue.overview({ failedLimit: 0 });
      const idle = done >= accepted && total.waiting + total.active === 0;
      if (idle || performance.now() - started > limitMs) return { done, failed: stats.failed, seconds: (performance.now() - started) / 1000 };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  // Each server is measured while the other is idle: warm-up (JIT, connections, first queries), then
  // the fixed rate, then flat out in alternating rounds. Illuminate's worker catches up before each
  // of its runs starts.
  await run(bareUrl, "flat-out", 500);
  await run(illuminateUrl, "flat-out", 500);
  await drain(acceptedByIlluminate);
  const bareAtRate = await run(bareUrl, "rate");
  const illuminateAtRate = await run(illuminateUrl, "rate");
  const afterRate = await drain(acceptedByIlluminate);
  const bareFlatOut: LoadResult[] = [];
  const illuminateFlatOut: LoadResult[] = [];
  let afterFlatOut = afterRate;
  // CPU time per acknowledged delivery, of each server's own process (PostgreSQL and Redis not counted)
  const bareCpu: number[] = [];
  const illuminateCpu: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const bareBefore = await bareCpuMicros();
    bareFlatOut.push(await run(bareUrl, "flat-out"));
    bareCpu.push(((await bareCpuMicros()) - bareBefore) / count);
    const before = ownCpuMicros();
    illuminateFlatOut.push(await run(illuminateUrl, "flat-out"));
    illuminateCpu.push((ownCpuMicros() - before) / count);
    afterFlatOut = await drain(acceptedByIlluminate);
  }
  const median = (results: LoadResult[]) => [...results].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(results.length / 2)]!;
  const rows: Array<[string, LoadResult]> = [
    [`bare Probot, ${RATE}/s`, bareAtRate],
    [`bare Probot, flat out`, median(bareFlatOut)],
    [`Illuminate, ${RATE}/s`, illuminateAtRate],
    [`Illuminate, flat out`, median(illuminateFlatOut)],
  ];

  console.log("run".padEnd(24), "acked".padStart(6), "failed".padStart(7), "acked/s".padStart(9), "p50 ms".padStart(8), "p99 ms".padStart(8));
  for (const [name, r] of rows) {
    console.log(name.padEnd(24), String(r.acked).padStart(6), String(r.failed).padStart(7), r.perSecond.toFixed(0).padStart(9), r.p50.toFixed(1).padStart(8), r.p99.toFixed(1).padStart(8));
  }
  const perSecond = (results: LoadResult[]) => results.map((r) => r.perSecond.toFixed(0)).join(", ");
  if (ROUNDS > 1) console.log(`flat out is the median of ${ROUNDS} alternating rounds: bare Probot ${perSecond(bareFlatOut)}; Illuminate ${perSecond(illuminateFlatOut)} acked/s`);
  const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(
    `CPU per acknowledged delivery, flat out (median, the server's own process; PostgreSQL and Redis not counted): ` +
      `bare Probot ${middle(bareCpu).toFixed(0)} µs, Illuminate ${middle(illuminateCpu).toFixed(0)} µs${ROLE === "all" ? " (with its worker)" : ""}`,
  );
  for (const [name, r] of [rows[0]!, rows[2]!]) {
    console.log(`${name}: slowest ${r.max.toFixed(1)} ms; ${r.slow.count} over 50 ms${r.slow.count > 1 ? `, sent within ${r.slow.spanSeconds.toFixed(1)} s of each other` : ""}`);
  }
  const ratio = rows[3]![1].perSecond / rows[1]![1].perSecond;
  console.log(`\nIlluminate ÷ bare Probot, flat-out throughput: ${ratio.toFixed(2)} (target ≥ 0.7); Illuminate p99 at ${RATE}/s: ${rows[2]![1].p99.toFixed(1)} ms (target ≤ 50)`);

  // Acknowledged is not processed: how long the worker took to index what was acknowledged.
  if (ROLE === "all") console.log(
    `worker: ${afterFlatOut.done} of ${acceptedByIlluminate} acknowledged deliveries processed (${afterFlatOut.failed} failed); ` +
      `its backlog took ${afterRate.seconds.toFixed(1)} s to clear after the ${RATE}/s run and ${afterFlatOut.seconds.toFixed(1)} s after the last flat-out run`,
  );
  bareProcess.kill();
  github.close();
  await illuminate.close();
  if (config.redisUrl) await removeQueueKeys(config.redisUrl, prefix);
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
