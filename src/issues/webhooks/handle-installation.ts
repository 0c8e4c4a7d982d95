import type { Knex } from "knex";
import type { Queue } from "../../queue/types.js";
import { enqueueBackfill } from "../issue-jobs.js";
import { asArray, asRecord } from "../snapshots/github-values.js";
import { toRepositorySnapshot } from "../snapshots/from-webhook.js";
import { markInstallationDeleted, toInstallationSnapshot, upsertInstallation } from "../store/installation-store.js";
import { linkRepositories, unlinkRepositories, upsertRepository } from "../store/repository-store.js";
import { queueSync } from "../store/sync-progress-store.js";
import type { IndexWebhookHandler, WebhookContext } from "./webhook-context.js";

/** Stores the repositories an installation now covers, links them, and queues their backfill. */
async function addRepositories(
  trx: Knex,
  installationId: number,
  repositories: unknown[],
  context: WebhookContext & { deliveryId: string },
  queue: Queue,
): Promise<void> {
  const ids: number[] = [];
  for (const value of repositories) {
    const snapshot = toRepositorySnapshot(value);
    if (!snapshot) continue;
    await upsertRepository(trx, snapshot, { installationId, trackedVia: "installation" });
    ids.push(snapshot.id);
  }
  await linkRepositories(trx, installationId, ids);
  for (const id of ids) await queueSync(trx, id);
  context.afterCommit.push(async () => {
    // Keyed by the delivery: a redelivery queues nothing new, a later installation event does.
    for (const id of ids) await enqueueBackfill(queue, id, { key: context.deliveryId });
  });
}

export function createInstallationHandler(queue: Queue): IndexWebhookHandler {
  return async (trx, delivery, context) => {
    const payload = delivery.payload;
    const snapshot = toInstallationSnapshot(payload.installation);
    if (!snapshot) {
      context.log.warn("installation event without a usable installation; ignored");
      return;
    }
    await upsertInstallation(trx, snapshot);
    switch (delivery.action) {
      case "created":
        await addRepositories(trx, snapshot.id, asArray(payload.repositories), { ...context, deliveryId: delivery.deliveryId }, queue);
        break;
      case "deleted":
        await markInstallationDeleted(trx, snapshot.id, context.now());
        await unlinkRepositories(trx, snapshot.id);
        break;
      default:
        // suspend, unsuspend, new_permissions_accepted: the snapshot above carries the change.
        break;
    }
  };
}

export function createInstallationRepositoriesHandler(queue: Queue): IndexWebhookHandler {
  return async (trx, delivery, context) => {
    const payload = delivery.payload;
    const snapshot = toInstallationSnapshot(payload.installation);
    if (!snapshot) {
      context.log.warn("installation_repositories event without a usable installation; ignored");
      return;
    }
    await upsertInstallation(trx, snapshot);
    if (delivery.action === "added") {
      await addRepositories(trx, snapshot.id, asArray(payload.repositories_added), { ...context, deliveryId: delivery.deliveryId }, queue);
    } else if (delivery.action === "removed") {
      const ids = asArray(payload.repositories_removed)
        .map((r) => asRecord(r)?.id)
        .filter((id): id is number => typeof id === "number");
      await unlinkRepositories(trx, snapshot.id, ids);
    }
  };
}
