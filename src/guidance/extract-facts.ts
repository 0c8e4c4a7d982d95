import { extractCommands, rankCommands, type DocCommand } from "./extract-commands.js";
import type { ResolvedReference } from "./extract-references.js";
import type { GuidanceIssue } from "./issue-source.js";
import { parseDoc, stripInline } from "./parse-doc.js";
import type { TreeEntry } from "./repository-reader.js";
import type { ThreadSummary } from "./summarize-thread.js";

export interface SourceDoc {
  path: string;
  kind: "readme" | "contributing" | "doc";
  text: string;
}

export interface DeepDiveFacts {
  repository: {
    fullName: string;
    description: string | null;
    defaultBranch: string;
    languages: Array<{ name: string; share: number }>;
    topLevel: string[];
    keyFiles: string[];
    contributingPath: string | null;
  };
  commands: { setup: string[]; build: string[]; test: string[]; lint: string[]; run: string[] };
  prRules: string[];
  issue: {
    number: number;
    title: string;
    labels: string[];
    state: "open" | "closed";
    referencedFiles: ResolvedReference[];
    commentsTotal: number;
    maintainerAnswers: number;
    lastMaintainerAnswerAt: string | null;
    updatedAt: string;
  };
  availability: {
    status: "available" | "claimed" | "assigned" | "in_review";
    assignees: string[];
    claimedBy: string[];
    linkedPullRequests: number[];
  };
  newcomerResponseHours: number | null;
}

const KEY_FILES = /^(package\.json|pnpm-workspace\.yaml|pyproject\.toml|setup\.py|setup\.cfg|requirements(-dev)?\.txt|tox\.ini|noxfile\.py|Cargo\.toml|go\.mod|Makefile|justfile|Justfile|Gemfile|pom\.xml|build\.gradle(\.kts)?|CMakeLists\.txt|docker-compose\.ya?ml|compose\.ya?ml|Dockerfile|\.nvmrc|\.node-version|\.python-version|\.tool-versions|rust-toolchain(\.toml)?|mix\.exs|composer\.json|deno\.jsonc?|tsconfig\.json|\.pre-commit-config\.yaml)$/;
const RULE_HEADING = /pull request|\bprs?\b|commit|submitting|submission|code review|review process|style|changelog|sign[- ]?off|dco|cla\b|before you|guideline|checklist|conventions?/i;

const shareOf = (languages: Record<string, number>) => {
  const total = Object.values(languages).reduce((a, b) => a + b, 0);
  return Object.entries(languages)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, bytes]) => ({ name, share: total > 0 ? Math.round((bytes / total) * 1000) / 10 : 0 }));
};

function pullRequestRules(docs: SourceDoc[]): string[] {
  const rules: string[] = [];
  for (const doc of docs) {
    if (doc.kind === "readme" && docs.some((d) => d.kind === "contributing")) continue;
    for (const block of parseDoc(doc.path, doc.text).blocks) {
      if (block.kind !== "text" || !RULE_HEADING.test(block.headings.at(-1) ?? "")) continue;
      for (const line of block.text.split("\n")) {
        const bullet = /^\s*(?:[-*+]|\d+[.)])\s+(.+)$/.exec(line);
        if (!bullet) continue;
        const rule = stripInline(bullet[1]!);
        if (rule.length >= 12 && !rules.includes(rule)) rules.push(rule.length > 220 ? `${rule.slice(0, 219)}…` : rule);
      }
    }
  }
  return rules.slice(0, 8);
}

/** The one command to show a newcomer first: a real setup step rather than the clone, else the build. */
export function primarySetupCommand(facts: DeepDiveFacts): string | null {
  const c = facts.commands;
  return c.setup.find((command) => !/^git\s+clone\b/.test(command)) ?? c.build[0] ?? c.setup[0] ?? null;
}

export function collectDocCommands(docs: SourceDoc[]): DocCommand[] {
  const weight = { contributing: 3, doc: 2, readme: 1 } as const;
  return docs.flatMap((doc) => extractCommands(parseDoc(doc.path, doc.text), weight[doc.kind]));
}

function availabilityOf(issue: GuidanceIssue, thread: ThreadSummary | null): DeepDiveFacts["availability"] {
  const { assignees, linkedPullRequests } = issue.availability;
  // The index may not have seen a claim made in a comment yet; the thread just read has.
  const claims = [...issue.availability.claims, ...(thread?.claims ?? [])];
  const status = linkedPullRequests.length > 0 ? "in_review" : assignees.length > 0 ? "assigned" : claims.length > 0 ? "claimed" : "available";
  return { status, assignees, claimedBy: [...new Set(claims.map((c) => c.login))], linkedPullRequests };
}

/** Everything a deep dive can say without a model: commands, rules, files, who is on the issue. */
export function extractFacts(input: {
  issue: GuidanceIssue;
  docs: SourceDoc[];
  tree: TreeEntry[];
  languages: Record<string, number>;
  references: ResolvedReference[];
  thread: ThreadSummary | null;
  newcomerResponseHours: number | null;
}): DeepDiveFacts {
  const { issue, docs, tree } = input;
  const commands = collectDocCommands(docs);
  const top = (kind: Parameters<typeof rankCommands>[1]) => rankCommands(commands, kind).slice(0, 3).map((c) => c.command);
  const topLevel = tree.filter((e) => !e.path.includes("/")).map((e) => (e.type === "tree" ? `${e.path}/` : e.path));
  return {
    repository: {
      fullName: issue.repository.fullName,
      description: issue.repository.description,
      defaultBranch: issue.repository.defaultBranch,
      languages: shareOf(input.languages),
      topLevel,
      keyFiles: tree.filter((e) => e.type === "blob" && (KEY_FILES.test(e.path) || /^\.github\/workflows\/[^/]+\.ya?ml$/.test(e.path))).map((e) => e.path).slice(0, 12),
      contributingPath: docs.find((d) => d.kind === "contributing")?.path ?? null,
    },
    commands: { setup: top("setup"), build: top("build"), test: top("test"), lint: top("lint"), run: top("run") },
    prRules: pullRequestRules(docs),
    issue: {
      number: issue.number,
      title: issue.title,
      labels: issue.labels,
      state: issue.state,
      referencedFiles: input.references,
      commentsTotal: input.thread?.total ?? issue.commentsCount,
      maintainerAnswers: input.thread?.maintainerAnswers ?? 0,
      lastMaintainerAnswerAt: input.thread?.lastMaintainerAnswerAt ?? null,
      updatedAt: issue.githubUpdatedAt.toISOString(),
    },
    availability: availabilityOf(issue, input.thread),
    newcomerResponseHours: input.newcomerResponseHours,
  };
}
