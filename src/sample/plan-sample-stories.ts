import type { Prng } from "./create-prng.js";
import type { IssueState, PullRequestState } from "./github-payloads.js";
import { KIND_LABEL, SAMPLE_COMMUNITY, SAMPLE_CONTRIBUTOR, SAMPLE_ID_BASE, SAMPLE_MAINTAINERS, SAMPLE_REPOSITORIES, type SamplePerson, type SampleRepository } from "./sample-catalog.js";
import { CLAIM_ANSWERS, CLAIMS, DISCUSSION, issueBody, MAINTAINER_NOTES, NOT_PLANNED, RELEASES } from "./sample-texts.js";

// The sample's stories, before any of them is a webhook: which issues exist, what happens to each
// (triage, discussion, claims, pull requests, closing) and when. generate-sample-deliveries.ts
// turns them into the deliveries GitHub would have sent.

export type Fate = "open" | "triage" | "claimed" | "released" | "linked" | "fixed" | "not-planned" | "sample-merged" | "sample-claimed";

export interface PlannedPr {
  state: PullRequestState;
  issueIndex: number;
  merger: SamplePerson;
}

export type Step =
  | { type: "label"; at: Date; label: string; by: SamplePerson }
  | { type: "comment"; at: Date; author: SamplePerson; association: string; body: string }
  | { type: "assign" | "unassign"; at: Date; who: SamplePerson; by: SamplePerson }
  | { type: "pr-open"; at: Date; pr: PlannedPr }
  | { type: "pr-merge"; at: Date; pr: PlannedPr }
  | { type: "close"; at: Date; reason: "completed" | "not_planned"; by: SamplePerson };

export interface PlannedIssue {
  repo: SampleRepository;
  kind: SampleRepository["titles"][number]["kind"];
  fate: Fate;
  state: IssueState;
  steps: Step[];
}

export const HOUR = 3_600_000;
const REPO_WEIGHTS = [0.28, 0.26, 0.16, 0.16, 0.14];
const SAMPLE_REPOS = new Set(["lumen-web", "tabula", "handbook", "relay-service"]);

export const hex = (prng: Prng, length: number) => Array.from({ length }, () => prng.int(0, 15).toString(16)).join("");
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const PREFIX = { bug: "fix", feature: "feat", docs: "docs", test: "test", chore: "chore" } as const;

function pickRepository(prng: Prng): SampleRepository {
  let roll = prng.next();
  for (let i = 0; i < REPO_WEIGHTS.length; i++) {
    roll -= REPO_WEIGHTS[i]!;
    if (roll < 0) return SAMPLE_REPOSITORIES[i]!;
  }
  return SAMPLE_REPOSITORIES[SAMPLE_REPOSITORIES.length - 1]!;
}

function pickFate(prng: Prng): Fate {
  const roll = prng.next();
  if (roll < 0.36) return "open";
  if (roll < 0.46) return "triage";
  if (roll < 0.6) return "claimed";
  if (roll < 0.63) return "released";
  if (roll < 0.72) return "linked";
  if (roll < 0.86) return "fixed";
  if (roll < 0.92) return "not-planned";
  return "open";
}

export const maintainersOf = (repo: SampleRepository) => repo.maintainers.map((i) => SAMPLE_MAINTAINERS[i]!);

/**
 * Every issue's life between `start` and `end` (ms), numbered as GitHub numbers issues and pull
 * requests: one sequence per repository, in the order they were opened.
 */
export function planSampleStories(prng: Prng, options: { count: number; start: number; end: number }): PlannedIssue[] {
  const { count, start, end } = options;
  const after = (from: Date, minHours: number, maxHours: number) => new Date(+from + prng.int(Math.round(minHours * 60), Math.round(maxHours * 60)) * 60_000);

  // 1. Plan every issue's life, with times; numbers come once all issues and pull requests are known.
  const issues: PlannedIssue[] = [];
  let prSeq = 0;
  for (let index = 0; index < count; index++) {
    const repo = pickRepository(prng);
    const template = prng.pick(repo.titles);
    const file = prng.pick(repo.files);
    const area = prng.pick(repo.areas);
    const maintainer = prng.pick(maintainersOf(repo));
    const byMaintainer = prng.chance(0.15);
    const author = byMaintainer ? maintainer : prng.pick(SAMPLE_COMMUNITY);
    const openedAt = new Date(start + 2 * HOUR + Math.floor(prng.next() * (end - start - 4 * HOUR)));
    const kindLabel = KIND_LABEL[template.kind];
    const fate = pickFate(prng);
    issues.push({
      repo,
      kind: template.kind,
      fate,
      state: {
        id: SAMPLE_ID_BASE + 100_000_000 + index,
        number: 0,
        title: template.title.replace("{file}", file).replace("{area}", area).replace(/^./, (c) => c.toUpperCase()),
        body: issueBody(prng, repo, template.kind, file, area),
        author,
        authorAssociation: byMaintainer ? "MEMBER" : "NONE",
        // Issue forms put the kind on at once; maintainers add the rest while triaging.
        labels: fate === "triage" ? ["needs-triage"] : prng.chance(0.6) ? [kindLabel] : [],
        assignees: [],
        comments: 0,
        state: "open",
        stateReason: null,
        createdAt: openedAt,
        updatedAt: openedAt,
        closedAt: null,
      },
      steps: [],
    });
  }

  // The sample contributor's own story: issues they claimed and fixed, in repositories that fit their skills.
  const early = issues.filter((i) => SAMPLE_REPOS.has(i.repo.name) && +i.state.createdAt < end - 25 * 24 * HOUR && i.state.authorAssociation === "NONE");
  const merged = prng.sample(early, Math.max(2, Math.round(count * 0.03)));
  for (const issue of merged) issue.fate = "sample-merged";
  const stillOpen = issues.filter((i) => SAMPLE_REPOS.has(i.repo.name) && !merged.includes(i) && +i.state.createdAt < end - 3 * 24 * HOUR);
  if (stillOpen.length > 0) prng.pick(stillOpen).fate = "sample-claimed";

  for (const issue of issues) {
    const { repo, state, fate, kind } = issue;
    const maintainer = prng.pick(maintainersOf(repo));
    const steps = issue.steps;
    let t = state.createdAt;
    const comment = (author: SamplePerson, association: string, body: string, minHours: number, maxHours: number) => {
      t = after(t, minHours, maxHours);
      steps.push({ type: "comment", at: t, author, association, body });
    };
    const label = (name: string) => {
      if (state.labels.includes(name) || steps.some((s) => s.type === "label" && s.label === name)) return;
      t = after(t, 0.05, 2);
      steps.push({ type: "label", at: t, label: name, by: maintainer });
    };
    const openPr = (author: SamplePerson, minHours: number, maxHours: number): PlannedPr => {
      t = after(t, minHours, maxHours);
      const id = SAMPLE_ID_BASE + 200_000_000 + prSeq++;
      const additions = prng.int(3, 180);
      const pr: PlannedPr = {
        issueIndex: issues.indexOf(issue),
        merger: maintainer,
        state: {
          id,
          number: 0,
          title: `${PREFIX[kind]}: ${lowerFirst(state.title)}`,
          body: "",
          author,
          branch: `${author.login.split("-")[0]}/${state.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 40).replace(/-+$/, "")}`,
          headSha: hex(prng, 40),
          baseSha: hex(prng, 40),
          state: "open",
          merged: false,
          mergedBy: null,
          mergeCommitSha: null,
          createdAt: t,
          updatedAt: t,
          closedAt: null,
          mergedAt: null,
          additions,
          deletions: prng.int(0, Math.ceil(additions / 2)),
          changedFiles: prng.int(1, 6),
          commits: prng.int(1, 5),
        },
      };
      steps.push({ type: "pr-open", at: t, pr });
      return pr;
    };
    const merge = (pr: PlannedPr, minHours: number, maxHours: number) => {
      t = after(t, minHours, maxHours);
      steps.push({ type: "pr-merge", at: t, pr });
      t = new Date(+t + 1000);
      steps.push({ type: "close", at: t, reason: "completed", by: pr.merger });
    };

    // Triage: the maintainer labels what the author did not, and marks some for newcomers.
    t = after(t, 0.5, 36);
    if (fate !== "triage") {
      label(KIND_LABEL[kind]);
      const forNewcomers = fate === "sample-merged" || fate === "sample-claimed" || fate === "claimed" || fate === "linked" || prng.chance(0.45);
      if (forNewcomers) label("good first issue");
      if (prng.chance(0.25)) label("help wanted");
    }
    if (prng.chance(0.4)) comment(maintainer, "MEMBER", prng.pick(MAINTAINER_NOTES), 0.2, 12);
    if (prng.chance(0.3)) comment(prng.pick(SAMPLE_COMMUNITY), "NONE", prng.pick(DISCUSSION), 2, 96);

    const claimant = fate.startsWith("sample") ? SAMPLE_CONTRIBUTOR : prng.pick(SAMPLE_COMMUNITY.filter((p) => p.login !== state.author.login));
    const claim = (assign: boolean) => {
      comment(claimant, fate.startsWith("sample") ? "CONTRIBUTOR" : "NONE", prng.pick(CLAIMS), 1, 72);
      comment(maintainer, "MEMBER", prng.pick(CLAIM_ANSWERS), 0.5, 20);
      if (assign) {
        t = after(t, 0.01, 0.2);
        steps.push({ type: "assign", at: t, who: claimant, by: maintainer });
      }
    };
    switch (fate) {
      case "claimed":
        claim(prng.chance(0.5));
        break;
      case "released": {
        const assigned = prng.chance(0.5);
        claim(assigned);
        comment(claimant, "NONE", prng.pick(RELEASES), 24 * 5, 24 * 15);
        if (assigned) {
          t = after(t, 0.1, 6);
          steps.push({ type: "unassign", at: t, who: claimant, by: maintainer });
        }
        break;
      }
      case "linked":
        if (prng.chance(0.6)) claim(false);
        openPr(claimant, 24, 24 * 7);
        break;
      case "fixed":
        if (prng.chance(0.5)) claim(false);
        merge(openPr(claimant, 12, 24 * 6), 6, 24 * 5);
        break;
      case "not-planned":
        comment(maintainer, "MEMBER", NOT_PLANNED, 24 * 3, 24 * 20);
        t = new Date(+t + 2000);
        steps.push({ type: "close", at: t, reason: "not_planned", by: maintainer });
        break;
      case "sample-merged":
        claim(prng.chance(0.5));
        merge(openPr(SAMPLE_CONTRIBUTOR, 12, 24 * 4), 4, 24 * 3);
        break;
      case "sample-claimed":
        claim(false);
        break;
      default:
        break;
    }
    // Nothing happens after `now`: a story still unfolding simply stops there.
    const cut = steps.findIndex((s) => +s.at >= end);
    if (cut >= 0) steps.splice(cut);
  }

  // 2. Issues and pull requests share one number sequence per repository, in the order they were opened.
  for (const repo of SAMPLE_REPOSITORIES) {
    const numbered: Array<{ at: Date; assign(n: number): void }> = [];
    for (const issue of issues.filter((i) => i.repo === repo)) {
      numbered.push({ at: issue.state.createdAt, assign: (n) => (issue.state.number = n) });
      for (const step of issue.steps) if (step.type === "pr-open") numbered.push({ at: step.at, assign: (n) => (step.pr.state.number = n) });
    }
    numbered.sort((a, b) => +a.at - +b.at);
    const first = 120 + (repo.id % 7) * 37;
    numbered.forEach((item, i) => item.assign(first + i));
  }
  return issues;
}
