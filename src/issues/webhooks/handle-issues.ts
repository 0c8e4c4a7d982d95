import { applyIssue, isMaintainerResponse } from "../apply-snapshots.js";
import { recordUnassignment } from "../signals/sync-assignee-signals.js";
import { syncClaimSignals } from "../signals/sync-claim-signals.js";
import { asRecord, asString, isBotAccount } from "../snapshots/github-values.js";
import { isPullRequestIssue, toIssueSnapshot, toRepositorySnapshot } from "../snapshots/from-webhook.js";
import { markIssueDeleted, recordMaintainerActivity } from "../store/issue-store.js";
import { resolveRepository, type IndexWebhookHandler } from "./webhook-context.js";

/**
 * Every `issues` action carries the whole issue: store it when it is newer than what we have.
 * Some actions add a fact of their own: an unassignment releases claims, a label put on by
 * someone other than the author is a maintainer response, deleted and transferred remove it.
 */
export const handleIssues: IndexWebhookHandler = async (trx, delivery, context) => {
  const payload = delivery.payload;
  if (isPullRequestIssue(payload.issue)) return;
  const repository = await resolveRepository(trx, delivery, context);
  if (!repository) return;
  const issue = toIssueSnapshot(payload.issue, repository.id);
  if (!issue) {
    context.log.warn("issues event without a usable issue; ignored");
    return;
  }
  await applyIssue(trx, issue, repository.fullName);

  switch (delivery.action) {
    case "deleted":
      await markIssueDeleted(trx, issue.id, context.now());
      break;
    case "transferred": {
      await markIssueDeleted(trx, issue.id, context.now());
      const changes = asRecord(payload.changes);
      const newRepository = toRepositorySnapshot(asRecord(changes?.new_repository));
      const known = newRepository && (await trx("repositories").where({ id: newRepository.id }).whereNull("deleted_at").first("full_name"));
      const moved = known && toIssueSnapshot(asRecord(changes?.new_issue), newRepository.id);
      if (known && moved) await applyIssue(trx, moved, known.full_name as string);
      break;
    }
    case "unassigned": {
      const login = asString(asRecord(payload.assignee)?.login);
      if (login) {
        await recordUnassignment(trx, issue.id, login, issue.updatedAt);
        await syncClaimSignals(trx, issue.id);
      }
      break;
    }
    case "labeled": {
      const sender = asRecord(payload.sender);
      const login = asString(sender?.login);
      // Labelling needs triage rights, so whoever labels is a maintainer.
      if (login && isMaintainerResponse({ login, association: "MEMBER", isBot: isBotAccount(sender) }, issue.authorLogin)) {
        await recordMaintainerActivity(trx, issue.id, issue.updatedAt, { response: true });
      }
      break;
    }
    default:
      break;
  }
};
