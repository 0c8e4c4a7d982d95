import { asRecord, asString } from "../snapshots/github-values.js";
import { removeLabel, renameLabel } from "../store/issue-store.js";
import { resolveRepository, type IndexWebhookHandler } from "./webhook-context.js";

/** Issues keep label names, so a rename or deletion in the repository is applied to them in place. */
export const handleLabel: IndexWebhookHandler = async (trx, delivery, context) => {
  const repository = await resolveRepository(trx, delivery, context);
  const name = asString(asRecord(delivery.payload.label)?.name);
  if (!repository || !name) return;
  if (delivery.action === "deleted") {
    await removeLabel(trx, repository.id, name);
    return;
  }
  const from = asString(asRecord(asRecord(asRecord(delivery.payload.changes)?.name))?.from);
  if (delivery.action === "edited" && from && from !== name) await renameLabel(trx, repository.id, from, name);
};
