import type { Db } from "../../../src/db/types.js";
import type { IssuesDomain } from "../../../src/issues/create-issues-domain.js";
import type { Queue } from "../../../src/queue/types.js";
import { EXAMPLE_INSTALLATION_ID } from "../../fixtures/github/derived-payloads.js";
import { sendWebhook } from "../../helpers/github-webhooks.js";
import { startTestApp, waitFor, type TestApp } from "../../helpers/test-app.js";

export interface IndexTestApp extends TestApp {
  issues: IssuesDomain;
}

/** The whole app with the issues domain; a failing delivery is retried once, quickly, then left failed. */
export async function startIndexApp(options: { db: Db; queue: Queue; env?: Record<string, string | undefined>; now?: () => Date }): Promise<IndexTestApp> {
  const app = await startTestApp({
    db: options.db,
    queue: options.queue,
    env: options.env,
    deps: { webhookRetry: { attempts: 2, backoffMs: 10 }, ...(options.now ? { now: options.now } : {}) },
  });
  const issues = app.illuminate.domains.find((d) => d.name === "issues") as IssuesDomain | undefined;
  if (!issues) throw new Error("the issues domain is not wired into createDomains");
  return { ...app, issues };
}

export interface DeliveryOutcome {
  status: string;
  error: string | null;
}

/** Sends a signed delivery over HTTP and waits until the worker has finished with it. */
export async function deliver(app: TestApp, db: Db, event: string, payload: unknown): Promise<DeliveryOutcome> {
  const sent = await sendWebhook(app.baseUrl, event, payload);
  if (sent.status !== 200) throw new Error(`webhook answered ${sent.status}: ${sent.text}`);
  return waitFor(
    async () => {
      const row = await db.knex("webhook_deliveries").where({ delivery_id: sent.deliveryId }).first("status", "error");
      return row && ["processed", "skipped", "failed"].includes(row.status) ? (row as DeliveryOutcome) : undefined;
    },
    15_000,
    `${event} delivery processed`,
  );
}

/** Sends deliveries one after another, each processed before the next. */
export async function deliverAll(app: TestApp, db: Db, deliveries: Array<[string, unknown]>): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  for (const [event, payload] of deliveries) outcomes.push(await deliver(app, db, event, payload));
  return outcomes;
}

/** An installation as `installation.created` would leave it, without starting its backfill. */
export async function seedInstallation(db: Db, id = EXAMPLE_INSTALLATION_ID): Promise<void> {
  await db.knex("installations")
    .insert({ id, account_id: 21031067, account_login: "Codertocat", account_type: "User", target_type: "User" })
    .onConflict("id")
    .ignore();
}

export const issueRow = (db: Db, id: number) => db.knex("issues").where({ id }).first();

export const activeSignals = async (db: Db, issueId: number) =>
  (await db.knex("issue_signals").where({ issue_id: issueId, active: true }).orderBy("kind").select("kind", "actor_login")).map(
    (s: { kind: string; actor_login: string }) => `${s.kind}:${s.actor_login}`,
  );
