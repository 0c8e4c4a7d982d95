import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import knex, { type Knex } from "knex";
import ClientPgLite from "knex-pglite";
import type { Logger } from "pino";
import { lockDataDir } from "./lock-data-dir.js";
import { pgliteParsers, pgTypes } from "./type-parsers.js";
import type { Db } from "./types.js";

export interface CreateDbOptions {
  /** A PostgreSQL server. Without it the embedded database (PGlite) runs. */
  databaseUrl?: string;
  /** Where the embedded database keeps its files (in a `pglite` folder inside). */
  dataDir?: string;
  /** Embedded database with nothing on disk, for tests. */
  inMemory?: boolean;
  /**
   * With inMemory: start from a dump made by dumpEmbeddedDb instead of an empty cluster. Loading a
   * dump takes under a second; creating a cluster takes several (tests use it for that reason).
   */
  snapshot?: Blob;
  log?: Logger;
}

// The schema relies on STORED generated columns, EXECUTE FUNCTION triggers and the PG 15 planner.
const MIN_SERVER_VERSION = 150000;

// A request should fail in seconds, not knex's default minute, when every connection is busy.
// On PGlite there is one connection, so this is also how long a query waits behind a migration or
// behind code that wrongly queries through `db.knex` from inside a transaction.
const ACQUIRE_TIMEOUT_MS = 15_000;

/**
 * Opens the database: PostgreSQL when a URL is given, embedded PGlite otherwise, both returning the
 * same JavaScript types (see type-parsers.ts). Resolves once a first query has succeeded.
 */
export async function createDb(options: CreateDbOptions): Promise<Db> {
  const db = options.databaseUrl
    ? createServerDb(options.databaseUrl, options.log)
    : await createEmbeddedDb(options);
  try {
    if (db.kind === "pg") await checkServerVersion(db.knex);
    else await db.knex.raw("select 1");
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}

function createServerDb(databaseUrl: string, log: Logger | undefined): Db {
  const instance = knex({
    client: "pg",
    connection: { connectionString: databaseUrl, types: pgTypes, application_name: "illuminate" },
    // min 0 lets idle connections go, so a quiet instance holds none (servers cap connections
    // across every web and worker instance).
    pool: { min: 0, max: 10, idleTimeoutMillis: 30_000 },
    acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
    log: toKnexLog(log),
  });
  return { knex: instance, kind: "pg", close: once(() => instance.destroy()) };
}

const embedded = new WeakMap<Db, PGlite>();

async function createEmbeddedDb({ dataDir, inMemory, snapshot, log }: CreateDbOptions): Promise<Db> {
  let directory: string | undefined;
  let unlock = async () => {};
  if (!inMemory) {
    if (!dataDir) throw new Error("createDb needs a databaseUrl, a dataDir, or inMemory: true");
    directory = resolve(dataDir, "pglite");
    await mkdir(directory, { recursive: true });
    unlock = await lockDataDir(directory);
  }
  let pglite: PGlite;
  try {
    // Extensions must be passed every time a data dir is opened, not only when it is created.
    pglite = await PGlite.create({
      dataDir: directory,
      loadDataDir: inMemory ? snapshot : undefined,
      extensions: { pg_trgm },
      parsers: pgliteParsers,
    });
  } catch (error) {
    await unlock();
    throw error;
  }
  // knex-pglite cannot load extensions itself, so it is handed the instance we built.
  const instance = knex({
    client: ClientPgLite,
    connection: { pglite } as unknown as Knex.StaticConnectionConfig,
    acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
    log: toKnexLog(log),
  });
  const close = once(async () => {
    try {
      await instance.destroy();
      if (!pglite.closed) await pglite.close();
    } finally {
      await unlock();
    }
  });
  const db: Db = { knex: instance, kind: "pglite", close };
  embedded.set(db, pglite);
  return db;
}

/** A tarball of an embedded database's files, to start another one from with `snapshot`. */
export async function dumpEmbeddedDb(db: Db): Promise<Blob> {
  const pglite = embedded.get(db);
  if (!pglite) throw new Error("dumpEmbeddedDb needs a database made by createDb without databaseUrl");
  // Flushed first, so a database started from the dump has no WAL to replay.
  await db.knex.raw("checkpoint");
  return pglite.dumpDataDir("gzip");
}

async function checkServerVersion(instance: Knex): Promise<void> {
  const result = await instance.raw<{ rows: { server_version_num: string }[] }>("show server_version_num");
  const version = Number(result.rows[0]?.server_version_num);
  if (version < MIN_SERVER_VERSION) {
    throw new Error(`PostgreSQL ${Math.floor(version / 10000)} is too old: version 15 or later is required`);
  }
}

// Without a logger knex would write to the console behind our back (a CLI's one-line error would
// gain a stack trace above it), so no logger means silence.
function toKnexLog(log: Logger | undefined): Knex.Config["log"] {
  if (!log) return { warn() {}, error() {}, deprecate() {}, debug() {} };
  const child = log.child({ module: "knex" });
  const text = (message: unknown) => (typeof message === "string" ? message : JSON.stringify(message));
  return {
    warn: (message) => child.warn(text(message)),
    error: (message) => child.error(text(message)),
    deprecate: (method, alternative) => child.warn(`${method} is deprecated, use ${alternative}`),
    debug: (message) => child.debug(text(message)),
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
