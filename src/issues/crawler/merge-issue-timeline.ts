import type { Knex } from "knex";
import type { GqlChangedIssue, GqlComment, GqlIssue, GqlTimelineItem } from "../../github/graphql/index-query-types.js";

/** What the index already holds of an issue, to replay its timeline onto. */
export interface HeldIssue {
  labels: string[];
  assignees: string[];
  /** ids of the comments already stored */
  commentIds: Set<number>;
  commentsCount: number;
}

/** Held state of the given issues (by GitHub database id); absent ones are not in the index. */
export async function readHeldIssues(knex: Knex, issueIds: number[]): Promise<Map<number, HeldIssue>> {
  const held = new Map<number, HeldIssue>();
  if (issueIds.length === 0) return held;
  const issues: Array<{ id: number; labels: string[]; assignees: string[]; comments_count: number }> = await knex("issues")
    .whereIn("id", issueIds)
    .select("id", "labels", "assignees", "comments_count");
  for (const row of issues) {
    held.set(Number(row.id), { labels: row.labels, assignees: row.assignees, commentIds: new Set(), commentsCount: Number(row.comments_count) });
  }
  const comments: Array<{ id: number; issue_id: number }> = await knex("issue_comments").whereIn("issue_id", [...held.keys()]).select("id", "issue_id");
  for (const row of comments) held.get(Number(row.issue_id))?.commentIds.add(Number(row.id));
  return held;
}

/**
 * The whole issue, rebuilt from what the index holds and what happened since the last pass:
 * labels and assignees put on or taken off in order, new comments added to the count and handed
 * on for claim detection. Replaying events the index has already seen changes nothing, so the
 * overlap between passes is harmless.
 *
 * Returns null when the timeline cannot be trusted to be complete — more items than one page, or
 * an issue the index has never held that is older than the window — and the issue must be read whole.
 */
export function mergeIssueTimeline(node: GqlChangedIssue, held: HeldIssue | undefined, since: string): GqlIssue | null {
  if (node.timelineItems.pageInfo.hasNextPage) return null;
  if (!held && Date.parse(node.createdAt) < Date.parse(since)) return null;
  const labels = [...(held?.labels ?? [])];
  const assignees = [...(held?.assignees ?? [])];
  const comments: GqlComment[] = [];
  const responses: GqlTimelineItem[] = [];
  let newComments = 0;
  const remove = (list: string[], value: string) => {
    const at = list.findIndex((v) => v.toLowerCase() === value.toLowerCase());
    if (at >= 0) list.splice(at, 1);
  };
  const add = (list: string[], value: string) => {
    if (!list.some((v) => v.toLowerCase() === value.toLowerCase())) list.push(value);
  };
  for (const item of node.timelineItems.nodes) {
    switch (item.__typename) {
      case "LabeledEvent":
        if (item.label) add(labels, item.label.name);
        responses.push({ __typename: "LabeledEvent", createdAt: item.createdAt, actor: item.actor });
        break;
      case "UnlabeledEvent":
        if (item.label) remove(labels, item.label.name);
        break;
      case "AssignedEvent":
        if (item.assignee?.login) add(assignees, item.assignee.login);
        break;
      case "UnassignedEvent":
        if (item.assignee?.login) remove(assignees, item.assignee.login);
        break;
      case "IssueComment": {
        const { __typename: _type, ...comment } = item;
        comments.push(comment);
        if (comment.databaseId === null || !held?.commentIds.has(comment.databaseId)) newComments += 1;
        responses.push({ __typename: "IssueComment", createdAt: comment.createdAt, authorAssociation: comment.authorAssociation, author: comment.author });
        break;
      }
    }
  }
  const { timelineItems: _timeline, ...fields } = node;
  return {
    ...fields,
    labels: { nodes: labels.map((name) => ({ name })) },
    assignees: { nodes: assignees.map((login) => ({ login })) },
    comments: { totalCount: (held?.commentsCount ?? 0) + newComments, nodes: comments },
    timelineItems: { nodes: responses },
  };
}
