import { createPrng, type Prng } from "./create-prng.js";
import {
  toAccountPayload,
  toCommentPayload,
  toCommitPayload,
  toInstallationPayload,
  toInstallationRef,
  toInstalledRepository,
  toIssuePayload,
  toLabelPayload,
  toPullRequestPayload,
  toRepositoryPayload,
  toUserPayload,
  type Payload,
} from "./github-payloads.js";
import {
  SAMPLE_COMMUNITY,
  SAMPLE_ID_BASE,
  SAMPLE_MAINTAINERS,
  SAMPLE_ORG_ID,
  SAMPLE_OWNER,
  SAMPLE_REPOSITORIES,
  type SamplePerson,
  type SampleRepository,
} from "./sample-catalog.js";
import { hex, HOUR, maintainersOf, planSampleStories } from "./plan-sample-stories.js";
import { commitMessage } from "./sample-texts.js";

/** One webhook delivery as GitHub would send it: its GUID, the X-GitHub-Event name and the body. */
export interface SampleDelivery {
  deliveryId: string;
  event: string;
  at: Date;
  payload: Payload;
}

export interface SampleSetOptions {
  /** the end of the sample's history; everything happens in the `days` before it */
  now: Date;
  /** how many issues to open across the repositories (default 240) */
  issues?: number;
  seed?: number;
  days?: number;
}

export const DEFAULT_SAMPLE_ISSUES = 240;
export const DEFAULT_SAMPLE_SEED = 9_119;

const uuid = (prng: Prng) => `${hex(prng, 8)}-${hex(prng, 4)}-4${hex(prng, 3)}-${"89ab"[prng.int(0, 3)]}${hex(prng, 3)}-${hex(prng, 12)}`;

/**
 * The sample's whole history as webhook deliveries, oldest first: the app installed on five
 * repositories, then issues opened, labelled, discussed, claimed and fixed, pull requests opened
 * and merged (some by the sample contributor), and pushes to each default branch. The same
 * options always give the same deliveries, byte for byte.
 */
export function generateSampleDeliveries(options: SampleSetOptions): SampleDelivery[] {
  const seed = options.seed ?? DEFAULT_SAMPLE_SEED;
  const count = Math.max(1, Math.floor(options.issues ?? DEFAULT_SAMPLE_ISSUES));
  const days = options.days ?? 90;
  const prng = createPrng(seed);
  const end = +options.now - 60_000;
  const start = +options.now - days * 24 * HOUR;
  const installedAt = new Date(start);

  const issues = planSampleStories(prng, { count, start, end });
  let commentSeq = 0;
  const openIssuesOf = new Map(SAMPLE_REPOSITORIES.map((r) => [r.id, issues.filter((i) => i.repo === r).length]));

  // Deliveries, each carrying the objects as they were at that moment.
  const out: Array<{ at: Date; event: string; payload: Payload }> = [];
  const organization = {
    login: SAMPLE_OWNER,
    id: SAMPLE_ORG_ID,
    node_id: (toAccountPayload({ login: SAMPLE_OWNER, id: SAMPLE_ORG_ID }, "Organization") as { node_id: string }).node_id,
    url: `https://api.github.com/orgs/${SAMPLE_OWNER}`,
    repos_url: `https://api.github.com/orgs/${SAMPLE_OWNER}/repos`,
    events_url: `https://api.github.com/orgs/${SAMPLE_OWNER}/events`,
    hooks_url: `https://api.github.com/orgs/${SAMPLE_OWNER}/hooks`,
    issues_url: `https://api.github.com/orgs/${SAMPLE_OWNER}/issues`,
    members_url: `https://api.github.com/orgs/${SAMPLE_OWNER}/members{/member}`,
    public_members_url: `https://api.github.com/orgs/${SAMPLE_OWNER}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${SAMPLE_ORG_ID}?v=4`,
    description: "Sample organisation of Illuminate's demo data",
  };
  // Every delivery of an installed app names its installation; the installation event carries it whole.
  const emit = (at: Date, event: string, payload: Payload) => out.push({ at, event, payload: { ...payload, organization, installation: payload.installation ?? toInstallationRef() } });
  const repoAt = (repo: SampleRepository, at: Date) => toRepositoryPayload(repo, at, openIssuesOf.get(repo.id) ?? 0);

  emit(installedAt, "installation", {
    action: "created",
    installation: toInstallationPayload(installedAt),
    repositories: SAMPLE_REPOSITORIES.map(toInstalledRepository),
    requester: null,
    sender: toUserPayload(SAMPLE_MAINTAINERS[0]!),
  });

  const push = (repo: SampleRepository, at: Date, pusher: SamplePerson, commits: Array<{ message: string; author: SamplePerson; files: string[] }>) => {
    const shas = commits.map(() => hex(prng, 40));
    const before = hex(prng, 40);
    const payloads = commits.map((c, i) => toCommitPayload(repo, { sha: shas[i]!, message: c.message, author: c.author, at: new Date(+at - (commits.length - 1 - i) * 7 * 60_000), files: c.files }));
    emit(at, "push", {
      ref: "refs/heads/main",
      before,
      after: shas[shas.length - 1],
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `https://github.com/${SAMPLE_OWNER}/${repo.name}/compare/${before.slice(0, 12)}...${shas[shas.length - 1]!.slice(0, 12)}`,
      commits: payloads,
      head_commit: payloads[payloads.length - 1],
      repository: repoAt(repo, at),
      pusher: { name: pusher.login, email: `${pusher.id}+${pusher.login}@users.noreply.github.com` },
      sender: toUserPayload(pusher),
    });
  };

  for (const issue of issues) {
    const { repo, state } = issue;
    const issueEvent = (action: string, at: Date, sender: SamplePerson, extra: Payload = {}) =>
      emit(at, "issues", { action, issue: toIssuePayload(repo, state), ...extra, repository: repoAt(repo, at), sender: toUserPayload(sender) });
    issueEvent("opened", state.createdAt, state.author);
    for (const step of issue.steps) {
      state.updatedAt = step.at;
      switch (step.type) {
        case "label":
          state.labels = [...state.labels, step.label];
          issueEvent("labeled", step.at, step.by, { label: toLabelPayload(repo, step.label) });
          break;
        case "comment": {
          state.comments += 1;
          const id = SAMPLE_ID_BASE + 300_000_000 + commentSeq++;
          emit(step.at, "issue_comment", {
            action: "created",
            issue: toIssuePayload(repo, state),
            comment: toCommentPayload(repo, state.number, { id, author: step.author, association: step.association, body: step.body, at: step.at }),
            repository: repoAt(repo, step.at),
            sender: toUserPayload(step.author),
          });
          break;
        }
        case "assign":
          state.assignees = [step.who];
          issueEvent("assigned", step.at, step.by, { assignee: toUserPayload(step.who) });
          break;
        case "unassign":
          state.assignees = [];
          issueEvent("unassigned", step.at, step.by, { assignee: toUserPayload(step.who) });
          break;
        case "pr-open": {
          const pr = step.pr.state;
          pr.body = `Fixes #${state.number}\n\n${state.title}: the change is small and covered by a test.\n\n- [x] Tests pass locally\n- [x] Docs updated where needed`;
          emit(step.at, "pull_request", { action: "opened", number: pr.number, pull_request: toPullRequestPayload(repo, pr, step.at, openIssuesOf.get(repo.id) ?? 0), repository: repoAt(repo, step.at), sender: toUserPayload(pr.author) });
          break;
        }
        case "pr-merge": {
          const pr = step.pr.state;
          Object.assign(pr, { state: "closed", merged: true, mergedBy: step.pr.merger, mergeCommitSha: hex(prng, 40), updatedAt: step.at, closedAt: step.at, mergedAt: step.at });
          emit(step.at, "pull_request", { action: "closed", number: pr.number, pull_request: toPullRequestPayload(repo, pr, step.at, openIssuesOf.get(repo.id) ?? 0), repository: repoAt(repo, step.at), sender: toUserPayload(step.pr.merger) });
          push(repo, new Date(+step.at + 500), step.pr.merger, [{ message: `Merge pull request #${pr.number} from ${pr.author.login}/${pr.branch}\n\n${pr.title}`, author: step.pr.merger, files: [] }]);
          break;
        }
        case "close":
          Object.assign(state, { state: "closed", stateReason: step.reason, closedAt: step.at });
          issueEvent("closed", step.at, step.by);
          break;
      }
    }
  }

  // Day-to-day work on each default branch: the health score's commit frequency.
  for (const repo of SAMPLE_REPOSITORIES) {
    const people = [...maintainersOf(repo), ...prng.sample(SAMPLE_COMMUNITY, 2)];
    for (let day = start + 24 * HOUR; day < end - HOUR; day += 24 * HOUR) {
      const weekday = new Date(day).getUTCDay() % 6 !== 0;
      if (!prng.chance(weekday ? 0.45 : 0.1)) continue;
      const at = new Date(day + prng.int(8, 20) * HOUR + prng.int(0, 59) * 60_000);
      if (+at >= end) continue;
      const author = prng.pick(people);
      const commits = Array.from({ length: prng.int(1, 4) }, () => {
        const file = prng.pick(repo.files);
        return { message: commitMessage(prng, prng.pick(repo.areas), file), author, files: [file] };
      });
      push(repo, at, prng.pick(maintainersOf(repo)), commits);
    }
  }

  out.sort((a, b) => +a.at - +b.at);
  const ids = createPrng(seed ^ 0x5eed);
  return out.map((d) => ({ deliveryId: uuid(ids), event: d.event, at: d.at, payload: d.payload }));
}
