import type { Db } from "../../src/db/types.js";
import { loadSampleData, type LoadSampleOptions } from "../../src/sample/load-sample-data.js";
import { silentLog, startTestApp, type TestApp } from "../helpers/test-app.js";
import { createTestQueue } from "../helpers/test-queue.js";

/** The fixed end of the sample's history in these tests. */
export const SAMPLE_NOW = new Date("2026-11-20T12:00:00Z");

/** A whole Illuminate in setup mode (no GitHub App), as on a bare machine. */
export function startSetupModeApp(db: Db, env: Record<string, string | undefined> = {}): Promise<TestApp> {
  return startTestApp({ db, queue: createTestQueue(silentLog), env: { APP_ID: "", PRIVATE_KEY: "", ...env } });
}

/** Loads a small sample through the app's own inbox and workers. */
export function loadSmallSample(app: TestApp, options: LoadSampleOptions = {}) {
  const { db, queue, inbox } = app.illuminate;
  return loadSampleData({ db, queue, inbox, log: silentLog, now: () => SAMPLE_NOW }, { issues: 30, timeoutMs: 60_000, ...options });
}

export async function countRows(db: Db, table: string, where: Record<string, unknown> = {}): Promise<number> {
  const row = (await db.knex(table).where(where).count({ n: "*" }).first()) as { n: string | number } | undefined;
  return Number(row?.n ?? 0);
}
