/** GET /api/issues/:id/deep-dive, as this page reads it (src/guidance/deep-dive-service.ts). */

export type SectionKey = "overview" | "issueContext" | "approach" | "questions" | "redFlags";

export interface DeepDiveItem {
  text: string;
  files: string[];
  commands: string[];
}

export interface DeepDiveSectionView {
  key: SectionKey;
  title: string;
  summary: string;
  items: DeepDiveItem[];
  reports: number;
  flagged: boolean;
}

export interface DeepDiveView {
  issue: { id: number; number: number; title: string; repository: string; repositoryUrl: string; url: string; state: "open" | "closed" };
  status: "ready" | "pending" | "refreshing" | "failed";
  stale: boolean;
  deepDive: {
    id: number;
    generatedAt: string;
    generator: { kind: "ai" | "offline"; model: string | null; label: string };
    notice: string | null;
    sections: DeepDiveSectionView[];
    reports: number;
    sources: Array<{ kind: string; label: string; url: string }>;
    omitted: Array<{ what: string; reason: string }>;
    usage: { inputTokens: number; outputTokens: number; cacheReadInputTokens: number; cacheCreationInputTokens: number; costUsd: number } | null;
  } | null;
  error: string | null;
  pollAfterMs: number | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Checks what the page reads, so the API can grow fields without breaking it. */
export function isDeepDiveView(value: unknown): value is DeepDiveView {
  if (!isObject(value) || !isObject(value.issue) || typeof value.status !== "string") return false;
  if (typeof value.issue.id !== "number" || typeof value.issue.url !== "string" || typeof value.issue.repositoryUrl !== "string") return false;
  if (value.deepDive === null) return true;
  const d = value.deepDive;
  return isObject(d) && Array.isArray(d.sections) && Array.isArray(d.sources) && Array.isArray(d.omitted) && isObject(d.generator) &&
    d.sections.every((s) => isObject(s) && typeof s.key === "string" && typeof s.summary === "string" && Array.isArray(s.items));
}

/** Only links to the repository's own host are rendered as links. */
export function isSafeUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
