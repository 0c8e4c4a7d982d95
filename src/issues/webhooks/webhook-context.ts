import type { Knex } from "knex";
import type { Logger } from "pino";
import type { StoredDelivery } from "../../github/inbox/webhook-registry.js";
import { asRecord } from "../snapshots/github-values.js";
import { toRepositorySnapshot } from "../snapshots/from-webhook.js";
import { upsertRepository, type StoredRepositoryName } from "../store/repository-store.js";

/** What every webhook handler of the index works with. */
export interface WebhookContext {
  knex: Knex;
  webUrl: string;
  now: () => Date;
  /** run after the delivery's transaction commits (enqueueing jobs that read what it wrote) */
  afterCommit: Array<() => Promise<void>>;
  log: Logger;
}

export type IndexWebhookHandler = (trx: Knex, delivery: StoredDelivery, context: WebhookContext) => Promise<void>;

export const payloadOf = (delivery: StoredDelivery) => delivery.payload;

export interface ResolvedRepository {
  id: number;
  fullName: string;
  defaultBranch: string;
}

/**
 * Stores (or refreshes) the delivery's repository and returns it as the index now knows it.
 * A repository first heard of here belongs to the delivery's installation when we know that
 * installation and it is live; otherwise it waits unlinked for the installation event.
 */
export async function resolveRepository(trx: Knex, delivery: StoredDelivery, context: WebhookContext): Promise<ResolvedRepository | null> {
  const snapshot = toRepositorySnapshot(asRecord(delivery.payload)?.repository);
  if (!snapshot) {
    context.log.warn("webhook without a usable repository; ignored");
    return null;
  }
  const written = await upsertRepository(trx, snapshot, {
    installationId: delivery.installationId,
    trackedVia: delivery.installationId ? "installation" : "crawler",
    onlyIfInstallationLive: true,
  });
  // Nothing written means the stored repository is newer than this payload: read its name.
  const row = written ?? ((await trx("repositories").where({ id: snapshot.id }).first("id", "full_name", "default_branch")) as StoredRepositoryName | undefined);
  return row ? { id: Number(row.id), fullName: row.full_name, defaultBranch: row.default_branch } : null;
}
