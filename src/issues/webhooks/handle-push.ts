import { asArray, asRecord, asString, toDate } from "../snapshots/github-values.js";
import { insertCommits } from "../store/commit-store.js";
import { resolveRepository, type IndexWebhookHandler } from "./webhook-context.js";

/** Commits that reach the default branch, one row each, for the health scorer's commit frequency. */
export const handlePush: IndexWebhookHandler = async (trx, delivery, context) => {
  const payload = delivery.payload;
  const repository = await resolveRepository(trx, delivery, context);
  if (!repository || payload.deleted === true) return;
  const defaultBranch = asString(asRecord(payload.repository)?.default_branch) ?? repository.defaultBranch;
  if (payload.ref !== `refs/heads/${defaultBranch}`) return;
  const commits = asArray(payload.commits).flatMap((value) => {
    const commit = asRecord(value);
    const sha = asString(commit?.id);
    const at = toDate(commit?.timestamp);
    return sha && at ? [{ sha, committedAt: at }] : [];
  });
  await insertCommits(trx, repository.id, commits);
};
