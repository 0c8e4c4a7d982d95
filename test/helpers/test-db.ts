import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createDb, dumpEmbeddedDb } from "../../src/db/create-db.js";
import { migrateLatest } from "../../src/db/migrate.js";
import type { Db } from "../../src/db/types.js";

const MIGRATIONS_DIRECTORY = fileURLToPath(new URL("../../migrations/", import.meta.url));

// Test files run in parallel processes; this key makes them take turns building the template.
const TEMPLATE_ADVISORY_LOCK = 7_318_204_552;

let templateReady: Promise<string> | undefined;
let snapshotReady: Promise<Blob> | undefined;

/**
 * A migrated database of one's own, removed again by close().
 *
 * With DATABASE_URL set: a new database on that server, cloned from a migrated template (a clone
 * takes milliseconds; migrating takes seconds). The template is built once per set of migrations,
 * named by a hash of their contents, so editing a migration yields a fresh one.
 * Without: an in-memory PGlite started from a migrated snapshot, the same idea: creating and
 * migrating a cluster takes seconds, loading a dump of one under a second. The snapshot is cached
 * in the temp folder, shared by every test process, keyed by the migrations and the PGlite version.
 */
export async function createTestDb(): Promise<Db> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    snapshotReady ??= ensureSnapshot().catch((error: unknown) => {
      snapshotReady = undefined;
      throw error;
    });
    return createDb({ inMemory: true, snapshot: await snapshotReady });
  }

  templateReady ??= ensureTemplate(serverUrl).catch((error: unknown) => {
    templateReady = undefined;
    throw error;
  });
  const template = await templateReady;
  const name = `illuminate_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  let db: Db;
  try {
    db = await createDb({ databaseUrl: withDatabase(serverUrl, name) });
  } catch (error) {
    await dropDatabase(serverUrl, name);
    throw error;
  }
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await db.close();
      await dropDatabase(serverUrl, name);
    })());
  return { knex: db.knex, kind: db.kind, close };
}

async function ensureTemplate(serverUrl: string): Promise<string> {
  const name = `illuminate_tmpl_${await hashMigrations()}`;
  await withAdmin(serverUrl, async (admin) => {
    await admin.query("select pg_advisory_lock($1)", [TEMPLATE_ADVISORY_LOCK]);
    try {
      const existing = await admin.query("select 1 from pg_database where datname = $1", [name]);
      if (existing.rowCount) return;
      // Built under another name and renamed when complete, so a run killed half-way never leaves
      // a template that looks ready.
      const building = `${name}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${building}`);
      const db = await createDb({ databaseUrl: withDatabase(serverUrl, building) });
      try {
        await migrateLatest(db);
      } finally {
        await db.close();
      }
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      // Nobody may connect to a template: a connection would make every clone fail.
      await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    } finally {
      await admin.query("select pg_advisory_unlock($1)", [TEMPLATE_ADVISORY_LOCK]);
    }
  });
  return name;
}

async function ensureSnapshot(): Promise<Blob> {
  const pgliteEntry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const pglitePackage = JSON.parse(await readFile(join(dirname(pgliteEntry), "..", "package.json"), "utf8")) as {
    version: string;
  };
  const file = join(tmpdir(), "illuminate-test-db", `pglite-${pglitePackage.version}-${await hashMigrations()}.tar.gz`);
  try {
    return new Blob([await readFile(file)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const db = await createDb({ inMemory: true });
  let snapshot: Blob;
  try {
    await migrateLatest(db);
    snapshot = await dumpEmbeddedDb(db);
  } finally {
    await db.close();
  }
  // Processes racing here each write their own file and rename it into place: the rename is
  // atomic, so a reader sees a whole snapshot or none, and every writer's copy is the same.
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await snapshot.arrayBuffer()));
  await rename(partial, file);
  return snapshot;
}

async function hashMigrations(): Promise<string> {
  const hash = createHash("sha256");
  const files = (await readdir(MIGRATIONS_DIRECTORY)).filter((file) => file.endsWith(".js")).sort();
  for (const file of files) {
    hash.update(file).update("\0").update(await readFile(join(MIGRATIONS_DIRECTORY, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

async function withAdmin<T>(serverUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
