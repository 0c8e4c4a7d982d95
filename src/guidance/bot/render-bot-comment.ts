import { createHash } from "node:crypto";
import { primarySetupCommand, type DeepDiveFacts } from "../extract-facts.js";

/** Hidden in the rendered comment; how the app recognises its own comment among the thread's. */
export const BOT_MARKER = "<!-- illuminate:deep-dive-teaser -->";

export interface TeaserInput {
  facts: DeepDiveFacts;
  /** tree paths that match the issue, when it names no file itself */
  relevantPaths: string[];
  link: string;
  /** the configured labels the issue carries */
  labels: string[];
  mentionAvailability: boolean;
  template?: string;
}

// Inline code cannot contain a backtick; logins in code never notify anyone.
const code = (value: string) => `\`${value.replace(/`/g, "'").replace(/\s+/g, " ").slice(0, 120)}\``;

function touches(input: TeaserInput): string | null {
  const refs = input.facts.issue.referencedFiles.map((r) => r.path);
  if (refs.length > 0) return refs.slice(0, 3).map(code).join(", ");
  const dirs = [...new Set(input.relevantPaths.map((p) => (p.includes("/") ? `${p.slice(0, p.lastIndexOf("/"))}/` : p)))];
  return dirs.length > 0 ? dirs.slice(0, 3).map(code).join(", ") : null;
}

function availability(facts: DeepDiveFacts): string {
  const a = facts.availability;
  const who = (logins: string[]) => logins.map((l) => code(`@${l}`)).join(", ");
  if (a.status === "in_review") return `a pull request is already open (${a.linkedPullRequests.map((n) => `#${n}`).join(", ")})`;
  if (a.status === "assigned") return `assigned to ${who(a.assignees)}`;
  if (a.status === "claimed") return `${who(a.claimedBy)} asked to take it; check with them first`;
  return "nobody has claimed it yet";
}

export function teaserValues(input: TeaserInput): Record<string, string> {
  const f = input.facts;
  const setup = primarySetupCommand(f);
  const firstFile = f.issue.referencedFiles[0]?.path ?? f.repository.contributingPath ?? input.relevantPaths[0] ?? null;
  return {
    touches: touches(input) ?? "the issue names no file yet",
    setup: setup ? code(setup) : "see the README",
    firstFile: firstFile ? code(firstFile) : "the README",
    availability: input.mentionAvailability ? availability(f) : "",
    link: input.link,
    labels: input.labels.map((l) => `"${l.replace(/["\n<>]/g, "")}"`).join(" and "),
  };
}

/** The teaser: what the issue touches, how to set up, what to read first, and the link. */
export function renderBotComment(input: TeaserInput): { body: string; hash: string } {
  const values = teaserValues(input);
  const text = input.template
    ? input.template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole)
    : [
        "**New to this issue?** Illuminate prepared a deep dive for it.",
        "",
        `- **What it touches:** ${values.touches}`,
        `- **Setup:** ${values.setup}`,
        `- **First file to read:** ${values.firstFile}`,
        ...(input.mentionAvailability ? [`- **Status:** ${values.availability}`] : []),
        "",
        `**[Read the deep dive](${values.link})**: the project in brief, a possible approach, questions to ask and red flags.`,
        "",
        `<sub>Posted because this issue is labelled ${values.labels}. Maintainers can change or turn this off in \`.github/illuminate.yml\`.</sub>`,
      ].join("\n");
  const body = `${BOT_MARKER}\n${text}`;
  return { body, hash: createHash("sha256").update(body).digest("hex").slice(0, 32) };
}
