import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { createDb } from "../src/db/create-db.js";
import { migrateLatest } from "../src/db/migrate.js";
import { crawlTrackedRepositories } from "../src/issues/crawler/crawl-tracked-repositories.js";
import { trackRepository } from "../src/issues/store/tracked-repository-store.js";
import { startFakeGithubGraphql, type FakeRepository } from "./bench-fake-github-graphql.js";

// npm run bench:crawl — GitHub requests and GraphQL points one crawl cycle spends on 10 tracked
// repositories × 1,000 issues of which 5 % changed, against polling every issue over REST.
// GitHub is a local fake that bills each query with GitHub's documented formula.

const REPOSITORIES = 10;
const ISSUES = 1_000;
const CHANGED_SHARE = 0.05;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const base = Date.parse("2024-01-01T00:00:00Z");

function dataset(): FakeRepository[] {
  return Array.from({ length: REPOSITORIES }, (_, r) => ({
    databaseId: 100 + r,
    nodeId: `R_bench${r}`,
    owner: "bench",
    name: `repo-${r}`,
    issues: Array.from({ length: ISSUES }, (_, i) => ({
      databaseId: (r + 1) * 100_000 + i,
      number: i + 1,
      title: `Issue ${i + 1}`,
      state: "OPEN" as const,
      labels: i % 3 === 0 ? ["good first issue"] : ["bug"],
      assignees: i % 10 === 0 ? ["maintainer"] : [],
      comments: [],
      events: [],
      createdAt: iso(base),
      updatedAt: iso(base + i * 60_000),
    })),
  }));
}

/** 5 % of each repository's issues change: edits, labels, a claim comment, a few closed. */
function change(repositories: FakeRepository[], at: number): number {
  let changed = 0;
  for (const repo of repositories) {
    const step = Math.round(1 / CHANGED_SHARE);
    for (let i = 0; i < repo.issues.length; i += step) {
      const issue = repo.issues[i]!;
      const kind = (i / step) % 4;
      if (kind === 0) issue.title += " (clarified)";
      if (kind === 1) {
        issue.labels = [...issue.labels, "help wanted"];
        issue.events.push({ type: "LabeledEvent", name: "help wanted", createdAt: iso(at) });
      }
      if (kind === 2) issue.comments.push({ databaseId: issue.databaseId * 10, body: "Can I work on this?", author: "newcomer", createdAt: iso(at) });
      if (kind === 3) issue.state = "CLOSED";
      issue.updatedAt = iso(at + i * 1000);
      changed += 1;
    }
  }
  return changed;
}

async function main() {
  const repositories = dataset();
  const github = await startFakeGithubGraphql(repositories);
  const db = await createDb({ inMemory: true });
  await migrateLatest(db);
  const log = pino({ level: "silent" });
  const Octokit = ProbotOctokit.defaults({ baseUrl: github.url, throttle: { enabled: false }, retry: { enabled: false } });
  const client = new Octokit({ auth: "ghp_bench" });
  for (const repo of repositories) await trackRepository(db.knex, `${repo.owner}/${repo.name}`, "cli");

  const cycle = async (label: string, expectedChanged: number) => {
    const before = { requests: github.requests, points: github.points };
    const started = performance.now();
    const stats = await crawlTrackedRepositories({ knex: db.knex, client, now: () => new Date(), log });
    const ms = performance.now() - started;
    const requests = github.requests - before.requests;
    const points = github.points - before.points;
    const per100 = expectedChanged > 0 ? (points / expectedChanged) * 100 : 0;
    console.log(
      `${label.padEnd(28)} changed ${String(expectedChanged).padStart(5)}  fetched ${String(stats.issuesFetched).padStart(5)}  ` +
        `requests ${String(requests).padStart(3)}  points ${String(points).padStart(4)}  points/100 changed ${per100.toFixed(2).padStart(5)}  ${Math.round(ms)} ms`,
    );
    return { requests, points, fetched: stats.issuesFetched };
  };

  const total = REPOSITORIES * ISSUES;
  console.log(`bench:crawl — ${REPOSITORIES} repositories × ${ISSUES} issues, ${CHANGED_SHARE * 100} % changed between cycles\n`);
  await cycle("first pass (all open issues)", total);
  const changed = change(repositories, Date.parse("2024-02-01T00:00:00Z"));
  const steady = await cycle("cycle with 5 % changed", changed);
  await cycle("cycle with nothing changed", 0);

  const clarified = await db.knex("issues").whereRaw("title like '%(clarified)'").count({ n: "*" });
  const helpWanted = await db.knex("issues").whereRaw("'help wanted' = any(labels)").count({ n: "*" });
  const claims = await db.knex("issue_signals").where({ kind: "claim", active: true }).count({ n: "*" });
  const closed = await db.knex("issues").where({ state: "closed" }).count({ n: "*" });
  console.log(`\nindex after the changed cycle: ${clarified[0]!.n} retitled, ${helpWanted[0]!.n} labelled help wanted, ${claims[0]!.n} claimed, ${closed[0]!.n} closed (of ${changed} changed)`);
  console.log(`\nper-issue REST polling: ${total} requests every cycle (one GET per issue; the REST limit is 5,000 an hour)`);
  console.log(`GraphQL crawl:          ${steady.requests} requests and ${steady.points} points for ${changed} changed issues`);
  console.log(`                        = ${((steady.points / changed) * 100).toFixed(2)} points per 100 changed issues (target ≤ 2), ${(total / Math.max(1, steady.requests)).toFixed(0)}× fewer requests`);
  console.log(`where the points go: the probe of all ${REPOSITORIES} repositories costs 1; a page of changed issues asks each for one`);
  console.log(`connection (its timeline since the last pass), and pages are packed to the most issues that still bill one point (74).`);

  await db.close();
  await github.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
