import type { IssueComment } from "./repository-reader.js";

export interface ThreadSummary {
  total: number;
  maintainerAnswers: number;
  claims: Array<{ login: string; at: string }>;
  /** one line per kept comment, oldest first; maintainers and claims first when space runs out */
  lines: string[];
  lastMaintainerAnswerAt: string | null;
}

const MAINTAINER = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);
const CLAIM =
  /\b(?:can|could|may) i\b.{0,40}\b(?:work on|take|pick|tackle|handle|grab|fix|do)\b|\bi(?:'d| would) (?:like|love|want) to\b.{0,30}\b(?:work on|take|pick|tackle|fix|do|contribute)\b|\bassign (?:this|it|me)\b|\bi(?:'m| am) (?:working|on it|taking)\b|\bi(?:'ll| will) (?:take|work on|pick)\b/i;

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/```[\s\S]*?```/g, " [code] ").replace(/<!--[\s\S]*?-->/g, " ").replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * The comment thread reduced to who said what, without AI: claims ("can I take this?"), the
 * maintainers' answers, and the rest, each cut to a line. Bot comments (ours included) are left out.
 */
export function summarizeThread(comments: IssueComment[], issueAuthor: string | null, maxLines = 20): ThreadSummary {
  const humans = comments.filter((c) => !c.isBot && !c.login.endsWith("[bot]"));
  const role = (c: IssueComment) => (MAINTAINER.has(c.association) ? "maintainer" : c.login === issueAuthor ? "issue author" : "contributor");
  const claims = humans.filter((c) => role(c) !== "maintainer" && CLAIM.test(c.body));
  const maintainers = humans.filter((c) => role(c) === "maintainer");
  const rank = (c: IssueComment) => (role(c) === "maintainer" ? 0 : claims.includes(c) ? 1 : 2);
  const kept = new Set(
    humans
      .map((c, i) => ({ c, i }))
      .sort((a, b) => rank(a.c) - rank(b.c) || b.i - a.i)
      .slice(0, maxLines)
      .map(({ c }) => c),
  );
  const lines = humans
    .filter((c) => kept.has(c))
    .map((c) => `- ${c.createdAt.slice(0, 10)} @${c.login} (${role(c)}${claims.includes(c) ? ", asks to take it" : ""}): ${oneLine(c.body, role(c) === "maintainer" ? 500 : 240)}`);
  if (humans.length > kept.size) lines.push(`- … ${humans.length - kept.size} more comments not shown`);
  return {
    total: comments.length,
    maintainerAnswers: maintainers.length,
    claims: claims.map((c) => ({ login: c.login, at: c.createdAt })),
    lines,
    lastMaintainerAnswerAt: maintainers.at(-1)?.createdAt ?? null,
  };
}
