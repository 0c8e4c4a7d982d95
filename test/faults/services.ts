import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

// Private PostgreSQL and Redis servers, started and killed by the fault-injection tests. They are
// real servers of their own, so killing one never disturbs the shared servers other test files use.

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ""}`);
    await sleep(everyMs);
  }
}

function findPostgresBin(): string | null {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(base, version, "bin");
    if (existsSync(join(bin, "postgres"))) return bin;
  }
  return null;
}

function findOnPath(command: string): string | null {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : null;
}

const POSTGRES_BIN = findPostgresBin();
const REDIS_SERVER = findOnPath("redis-server");
const RUNS_AS_ROOT = process.getuid?.() === 0;

/** Why the fault tests cannot run here, or null when they can. */
export function faultServicesMissing(): string | null {
  if (!POSTGRES_BIN) return "PostgreSQL server binaries not found";
  if (!REDIS_SERVER) return "redis-server not found";
  if (RUNS_AS_ROOT && !findOnPath("runuser")) return "running as root without runuser";
  return null;
}

/** A command line run as the postgres user when we are root (PostgreSQL refuses to run as root). */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
  return RUNS_AS_ROOT ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

async function waitForExit(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface RedisServer {
  url: string;
  /** SIGKILL: the server dies at once and, keeping nothing on disk, comes back empty */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freeTcpPort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(REDIS_SERVER!, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await waitFor("redis to accept connections", async () => {
      const { Redis } = await import("ioredis");
      const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on("error", () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === "PONG";
      } finally {
        client.disconnect();
      }
    });
  };
  const kill = async () => {
    if (!child) return;
    child.kill("SIGKILL");
    await waitForExit(child);
    child = null;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, kill, start, stop: kill };
}

export interface PostgresServer {
  /** a URL for the given database on this server */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /** immediate shutdown: open connections are cut, as when the server crashes or restarts */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** stops the server and removes its data directory */
  destroy(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  const port = await freeTcpPort();
  const dir = mkdtempSync(join(tmpdir(), "illuminate-faults-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  if (RUNS_AS_ROOT) spawnSync("chown", ["postgres", dir]);
  const [initCommand, initArgs] = asPostgresUser(join(POSTGRES_BIN!, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const init = spawnSync(initCommand, initArgs, { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);

  const url = (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const query = async (sql: string) => {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const pgCtl = (args: string[]) => {
    const [command, commandArgs] = asPostgresUser(join(POSTGRES_BIN!, "pg_ctl"), ["-D", data, ...args]);
    const result = spawnSync(command, commandArgs, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`pg_ctl ${args[0]} failed: ${result.stderr || result.stdout}`);
  };
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  let running = false;
  const start = async () => {
    pgCtl(["start", "-w", "-l", join(dir, "server.log"), "-o", options]);
    running = true;
    await waitFor("postgres to accept connections", async () => {
      await query("select 1");
      return true;
    });
  };
  // Immediate shutdown: every backend exits at once without cleanup, as in a crash or a restart.
  const kill = async () => {
    if (!running) return;
    pgCtl(["stop", "-m", "immediate", "-w"]);
    running = false;
  };
  await start();
  return {
    url,
    async createDatabase(name) {
      await query(`CREATE DATABASE ${name}`);
      return url(name);
    },
    kill,
    start,
    async destroy() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface IlluminateProcess {
  baseUrl: string;
  /** SIGKILL: no graceful shutdown, jobs in flight are abandoned */
  kill(): Promise<void>;
  /** SIGTERM and wait */
  stop(): Promise<void>;
  output(): string;
}

/** `src/main.ts` in a child process of its own, with the given environment; resolves once it listens. */
export async function startIlluminateProcess(env: Record<string, string>): Promise<IlluminateProcess> {
  const port = await freeTcpPort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "development", LOG_LEVEL: "warn", PORT: String(port), HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-5_000_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      `illuminate (${env.ROLE ?? "all"}) to listen`,
      async () => {
        if (child.exitCode !== null) return true;
        const response = await fetch(`${baseUrl}/api/health`);
        return response.status < 500;
      },
      60_000,
      200,
    );
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output.slice(-2000)}`);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    baseUrl,
    async kill() {
      child.kill("SIGKILL");
      await waitForExit(child);
    },
    async stop() {
      child.kill("SIGTERM");
      await waitForExit(child, 20_000);
    },
    output: () => output,
  };
}
