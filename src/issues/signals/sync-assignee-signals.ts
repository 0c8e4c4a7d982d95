import type { Knex } from "knex";

/**
 * Assignee signals are the newest snapshot's assignees: call only after that snapshot was applied.
 * Someone no longer assigned loses the signal (the unassignment itself is kept as a release).
 */
export async function syncAssigneeSignals(trx: Knex, issueId: number, assignees: string[], at: Date): Promise<void> {
  const current = new Map(assignees.map((login) => [login.toLowerCase(), login]));
  await trx("issue_signals")
    .where({ issue_id: issueId, kind: "assignee" })
    .modify((q) => {
      if (current.size > 0) q.whereNotIn("source_key", [...current.keys()]);
    })
    .delete();
  for (const [key, login] of current) {
    await trx("issue_signals")
      .insert({ issue_id: issueId, kind: "assignee", source_key: key, actor_login: login, observed_at: at })
      .onConflict(["issue_id", "kind", "source_key"])
      .ignore();
  }
  await backdateAssignees(trx, issueId, assignees, at);
}

/**
 * An assignee is assigned since the earliest snapshot showing them after their last
 * unassignment. Older snapshots arriving late still move that time back, so the order deliveries
 * arrive in does not change it.
 */
export async function backdateAssignees(trx: Knex, issueId: number, assignees: string[], at: Date): Promise<void> {
  if (assignees.length === 0) return;
  await trx("issue_signals as s")
    .where({ "s.issue_id": issueId, "s.kind": "assignee" })
    .whereIn("s.source_key", assignees.map((login) => login.toLowerCase()))
    .where("s.observed_at", ">", at)
    .whereNotExists((q) =>
      q
        .select(trx.raw("1"))
        .from("issue_signals as r")
        .whereRaw("r.issue_id = s.issue_id and r.kind = 'release' and lower(r.actor_login) = s.source_key")
        .whereRaw("r.observed_at > ? and r.observed_at <= s.observed_at", [at]),
    )
    .update({ observed_at: at });
}

/** An unassignment is a fact with a time: it releases that person's earlier claims, whenever it arrives. */
export async function recordUnassignment(trx: Knex, issueId: number, login: string, at: Date): Promise<void> {
  await trx("issue_signals")
    .insert({
      issue_id: issueId,
      kind: "release",
      source_key: `unassigned-${login.toLowerCase()}-${at.getTime()}`,
      actor_login: login,
      active: false,
      observed_at: at,
    })
    .onConflict(["issue_id", "kind", "source_key"])
    .ignore();
}
