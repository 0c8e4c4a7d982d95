import { markRepositoryDeleted } from "../store/repository-store.js";
import { resolveRepository, type IndexWebhookHandler } from "./webhook-context.js";

/**
 * renamed, transferred, edited, archived, unarchived, privatized, publicized, created: the
 * repository object in the payload is the new state. deleted: the repository leaves the feed.
 */
export const handleRepository: IndexWebhookHandler = async (trx, delivery, context) => {
  const repository = await resolveRepository(trx, delivery, context);
  if (!repository) return;
  if (delivery.action === "deleted") await markRepositoryDeleted(trx, repository.id, context.now());
};
