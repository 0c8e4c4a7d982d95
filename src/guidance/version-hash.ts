import { createHash } from "node:crypto";
import { PROMPT_VERSION } from "./build-prompt.js";
import type { GuidanceIssueHeader } from "./issue-source.js";

/**
 * The cache key of a deep dive: everything it was built from that can change — the issue's text,
 * labels and thread length, the repository's docs version, the prompt, and who writes it (a model
 * or the offline generator). Any change makes a new version; nothing else does.
 */
export function versionHash(issue: Pick<GuidanceIssueHeader, "title" | "body" | "labels" | "state" | "commentsCount">, docsVersion: number, generator: string): string {
  const input = JSON.stringify([
    PROMPT_VERSION,
    generator,
    issue.title,
    issue.body ?? "",
    [...issue.labels].sort(),
    issue.state,
    issue.commentsCount,
    docsVersion,
  ]);
  return createHash("sha256").update(input).digest("hex").slice(0, 32);
}
