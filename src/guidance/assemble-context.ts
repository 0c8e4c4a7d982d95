import { extractReferences, type ResolvedReference } from "./extract-references.js";
import { collectDocCommands, extractFacts, type DeepDiveFacts, type SourceDoc } from "./extract-facts.js";
import type { GuidanceIssue, IssueSource, SimilarIssue } from "./issue-source.js";
import { parseDoc } from "./parse-doc.js";
import { redactSecrets } from "./redact-secrets.js";
import { renderIssueParts, renderRepositoryParts, type ContextPart } from "./render-context.js";
import type { PullRequestSummary, RepoFile, RepositoryReader, TreeEntry } from "./repository-reader.js";
import { summarizeThread, type ThreadSummary } from "./summarize-thread.js";
import { fitToBudget, type Omission } from "./token-budget.js";

export interface ContextSource {
  kind: "issue" | "readme" | "contributing" | "doc" | "tree" | "file" | "comments" | "pull_request" | "similar_issue";
  label: string;
  url: string;
  path?: string;
  sha?: string;
}

export interface AssembledContext {
  /** the same for every issue of a repository version, so the model's prompt cache can reuse it */
  repositoryBlock: string;
  /** the issue and everything specific to it, with its text in untrusted blocks */
  issueBlock: string;
  facts: DeepDiveFacts;
  /** what a deep dive may cite: anything else is invented */
  allowed: { paths: string[]; commands: string[]; urls: string[] };
  sources: ContextSource[];
  omitted: Omission[];
  tokens: { repository: number; issue: number };
  /** README/CONTRIBUTING and linked docs used, with their blob shas: a push changing one invalidates */
  docs: Array<{ path: string; sha: string }>;
  /** tree paths that match the issue's title or sit next to the files it names */
  relevantPaths: string[];
}

export interface AssembleOptions {
  repositoryBudget?: number;
  issueBudget?: number;
  webUrl: string;
  /** skip the comment thread, linked pull requests and languages (the bot's teaser needs none) */
  light?: boolean;
}

const DOC_BYTES = 200_000;
const FILE_BYTES = 60_000;
const CONTRIBUTING = /^(?:\.github\/|docs\/)?contributing(?:\.(?:md|markdown|rst|txt))?$/i;
const DOC_LINK_HINT = /develop|contribut|setup|set-up|install|build|test|hacking|getting[-_]?started|style|guide/i;

function resolveLink(fromPath: string, target: string): string {
  const base = fromPath.includes("/") ? fromPath.slice(0, fromPath.lastIndexOf("/") + 1) : "";
  const parts: string[] = [];
  for (const segment of `${target.startsWith("/") ? "" : base}${target.replace(/^\//, "")}`.split(/[?#]/)[0]!.split("/")) {
    if (segment === "..") parts.pop();
    else if (segment && segment !== ".") parts.push(decodeURIComponent(segment));
  }
  return parts.join("/");
}

async function readDocs(reader: RepositoryReader, tree: TreeEntry[], omitted: Omission[]): Promise<Array<SourceDoc & { sha: string }>> {
  const docs: Array<SourceDoc & { sha: string }> = [];
  const readme = await reader.getReadme(DOC_BYTES);
  if (readme.ok) docs.push({ path: readme.file.path, kind: "readme", text: readme.file.text, sha: readme.file.sha });
  else omitted.push({ what: "README", reason: readme.reason });

  const blobs = new Set(tree.filter((e) => e.type === "blob").map((e) => e.path));
  const contributingPath = [...blobs].filter((p) => CONTRIBUTING.test(p)).sort((a, b) => a.split("/").length - b.split("/").length)[0];
  if (contributingPath) {
    const read = await reader.getFile(contributingPath, DOC_BYTES);
    if (read.ok) docs.push({ path: contributingPath, kind: "contributing", text: read.file.text, sha: read.file.sha });
    else omitted.push({ what: contributingPath, reason: read.reason });
  }

  // Follow up to two links from CONTRIBUTING, then the README, to development docs (by their names).
  const linked: string[] = [];
  for (const from of [...docs].sort((a, b) => Number(b.kind === "contributing") - Number(a.kind === "contributing"))) {
    const targets = parseDoc(from.path, from.text)
      .links.map((l) => resolveLink(from.path, l))
      .filter((p) => blobs.has(p) && /\.(md|markdown|rst|txt)$/i.test(p) && DOC_LINK_HINT.test(p) && !docs.some((d) => d.path === p) && !linked.includes(p));
    linked.push(...targets);
  }
  for (const path of linked.slice(0, 2)) {
    const read = await reader.getFile(path, DOC_BYTES / 2);
    if (read.ok) docs.push({ path, kind: "doc", text: read.file.text, sha: read.file.sha });
    else omitted.push({ what: path, reason: read.reason });
  }
  return docs;
}

async function optional<T>(what: string, omitted: Omission[], read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    omitted.push({ what, reason: `could not be read (${(error as { status?: number }).status ?? "error"})` });
    return fallback;
  }
}

/**
 * Everything a deep dive is grounded in, read from GitHub with size caps and fitted to a token
 * budget by priority. Without GitHub access (no installation, no crawler token) it falls back to
 * the issue alone and says so.
 */
export async function assembleContext(
  issue: GuidanceIssue,
  reader: RepositoryReader | null,
  issues: IssueSource,
  options: AssembleOptions,
): Promise<AssembledContext> {
  const omitted: Omission[] = [];
  const repoUrl = `${options.webUrl}/${issue.repository.fullName}`;
  let tree: TreeEntry[] = [];
  let docs: Array<SourceDoc & { sha: string }> = [];
  let languages = issue.repository.languages;
  let thread: ThreadSummary | null = null;
  const files: Array<{ ref: ResolvedReference; file: RepoFile }> = [];
  const pullRequests: PullRequestSummary[] = [];
  const issueText = redactSecrets(`${issue.title}\n\n${issue.body ?? ""}`);
  let references: ResolvedReference[] = [];

  if (reader) {
    const listed = await reader.getTree(issue.repository.defaultBranch);
    tree = listed?.entries ?? [];
    if (!listed) omitted.push({ what: "repository tree", reason: "the repository is empty or its default branch is missing" });
    else if (listed.truncated) omitted.push({ what: "repository tree", reason: "GitHub truncated the listing of this very large repository" });
    docs = await readDocs(reader, tree, omitted);
    if (Object.keys(languages).length === 0 && !options.light) languages = await optional("languages", omitted, () => reader.getLanguages(), {});
    if (issue.commentsCount > 0 && !options.light) {
      const comments = await optional("comment thread", omitted, () => reader.listIssueComments(issue.number), []);
      thread = summarizeThread(comments.map((c) => ({ ...c, body: redactSecrets(c.body) })), issue.authorLogin);
    }
    references = extractReferences(issueText, tree);
    const sizes = new Map(tree.map((e) => [e.path, e.size]));
    for (const ref of references) {
      // The tree already says how big a file is: a giant one is not even fetched.
      if ((sizes.get(ref.path) ?? 0) > FILE_BYTES) {
        omitted.push({ what: ref.path, reason: `larger than ${FILE_BYTES / 1000} kB` });
        continue;
      }
      const read = await optional(ref.path, omitted, () => reader.getFile(ref.path, FILE_BYTES), null);
      if (read?.ok) files.push({ ref, file: { ...read.file, text: redactSecrets(read.file.text) } });
      else if (read) omitted.push({ what: ref.path, reason: read.reason === "too_large" ? `larger than ${FILE_BYTES / 1000} kB` : read.reason });
    }
    for (const number of options.light ? [] : issue.availability.linkedPullRequests.slice(0, 3)) {
      const pr = await optional(`pull request #${number}`, omitted, () => reader.getPullRequest(number), null);
      if (pr) pullRequests.push(pr);
    }
  } else {
    omitted.push({ what: "repository files", reason: "no GitHub access to this repository (the App is not installed and no crawler token is set)" });
  }
  const similar: SimilarIssue[] = await issues.listSimilarClosedIssues(issue.id, 3);
  const responseHours = await issues.getNewcomerResponseHours(issue.repository.id);
  const facts = extractFacts({ issue, docs, tree, languages, references, thread, newcomerResponseHours: responseHours });

  const repoParts = renderRepositoryParts({ issue, facts, tree, docs });
  const repoFit = fitToBudget(repoParts.parts, options.repositoryBudget ?? 9_000);
  const issueParts = renderIssueParts({ issue, facts, tree, thread, files, pullRequests, similar, redactedBody: redactSecrets(issue.body ?? "") });
  const issueFit = fitToBudget(issueParts.parts, options.issueBudget ?? 6_000);
  omitted.push(...repoFit.omitted, ...issueFit.omitted);

  const join = (parts: ContextPart[], texts: Map<string, string>) =>
    parts.flatMap((p) => (texts.has(p.name) ? [p.wrap(texts.get(p.name)!)] : [])).join("\n\n");
  const repositoryBlock = join(repoParts.parts, repoFit.texts);
  const issueBlock = join(issueParts.parts, issueFit.texts);

  // Grounding: what the model saw. Paths it listed, plus tree paths the included docs mention.
  const treePaths = new Set(tree.map((e) => e.path));
  const shownPaths = new Set([...repoParts.paths, ...issueParts.paths].filter((path) => [...repoFit.texts.values(), ...issueFit.texts.values()].some((t) => t.includes(path))));
  for (const text of repoFit.texts.values()) {
    for (const m of text.matchAll(/[\w.@+-]+(?:\/[\w.@+-]+)*\/?/g)) if (treePaths.has(m[0].replace(/\/$/, ""))) shownPaths.add(m[0].replace(/\/$/, ""));
  }
  const includedDocs = docs.map((d) => ({ ...d, text: repoFit.texts.get(`document ${d.path}`) ?? "" })).filter((d) => d.text);
  const commands = [...new Set([...collectDocCommands(includedDocs).map((c) => c.command), ...Object.values(facts.commands).flat()])];
  const urls = [...new Set(includedDocs.flatMap((d) => [...d.text.matchAll(/https?:\/\/[^\s)<>"'\]]+/g)].map((m) => m[0])))];

  const sources: ContextSource[] = [
    { kind: "issue", label: `#${issue.number} ${issue.title}`, url: `${repoUrl}/issues/${issue.number}` },
    ...docs.map((d) => ({ kind: d.kind, label: d.path, path: d.path, sha: d.sha, url: `${repoUrl}/blob/${issue.repository.defaultBranch}/${d.path}` })),
    ...(tree.length > 0 ? [{ kind: "tree" as const, label: `${tree.length} paths on ${issue.repository.defaultBranch}`, url: `${repoUrl}/tree/${issue.repository.defaultBranch}` }] : []),
    ...files.map(({ file }) => ({ kind: "file" as const, label: file.path, path: file.path, sha: file.sha, url: `${repoUrl}/blob/${issue.repository.defaultBranch}/${file.path}` })),
    ...(thread ? [{ kind: "comments" as const, label: `${thread.total} comments`, url: `${repoUrl}/issues/${issue.number}` }] : []),
    ...pullRequests.map((pr) => ({ kind: "pull_request" as const, label: `#${pr.number} ${pr.title}`, url: `${repoUrl}/pull/${pr.number}` })),
    ...similar.map((s) => ({ kind: "similar_issue" as const, label: `#${s.number} ${s.title}`, url: `${repoUrl}/issues/${s.number}` })),
  ];

  return {
    repositoryBlock,
    issueBlock,
    facts,
    allowed: { paths: [...shownPaths], commands, urls },
    sources,
    omitted,
    tokens: { repository: repoFit.used, issue: issueFit.used },
    docs: docs.map((d) => ({ path: d.path, sha: d.sha })),
    relevantPaths: issueParts.relevant,
  };
}
