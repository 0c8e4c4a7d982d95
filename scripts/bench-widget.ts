import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import { loadConfig } from "../src/config.js";
import { createIlluminate } from "../src/create-illuminate.js";
import { createWidgetService } from "../src/portfolio/widget/widget-service.js";

// npm run bench:widget — README cards for 1,000 users with realistic portfolios (most a few dozen
// merged PRs, a long tail up to 3,000), 10,000 HTTP requests against the real server on the
// embedded database: cold (first render of a card) and warm (same card again, and revalidation
// with If-None-Match), plus the same split measured in-process without HTTP. GitHub's API is
// pointed at a local server that counts every request it gets: the target is zero.

const USERS = Number(process.env.BENCH_USERS ?? 1000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
const LAYOUTS = ["stats", "languages", "recent"] as const;
const LANGUAGES = ["TypeScript", "Go", "Python", "Rust", "JavaScript", "Markdown", "CSS", "Java", "C", "Ruby"];

function seeded(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const fmt = (values: number[]) => `n=${String(values.length).padStart(5)}  p50 ${percentile(values, 50).toFixed(2).padStart(6)} ms  p95 ${percentile(values, 95).toFixed(2).padStart(6)} ms`;

async function main() {
  let githubCalls = 0;
  const fakeGithub = createServer((_req, res) => {
    githubCalls += 1;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => fakeGithub.listen(0, "127.0.0.1", resolve));
  const githubHost = `127.0.0.1:${(fakeGithub.address() as AddressInfo).port}`;

  const dataDir = mkdtempSync(join(tmpdir(), "illuminate-bench-widget-"));
  const log = pino({ level: "silent" });
  const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: dataDir, GHE_HOST: githubHost, GHE_PROTOCOL: "http" });
  const illuminate = await createIlluminate(config, { log, web: (_req, res) => void res.status(404).end() });
  const knex = illuminate.db.knex;

  const random = seeded(42);
  const started = performance.now();
  const logins: string[] = [];
  let total = 0;
  let prId = 1;
  for (let u = 0; u < USERS; u++) {
    const login = `bench-user-${u}`;
    logins.push(login);
    const [row] = await knex("users").insert({ github_id: 50_000_000 + u, login, name: `Bench User ${u}`, public_portfolio: true }).returning("id");
    // Long tail: most users have a few dozen PRs, one in a hundred has thousands.
    const size = random() < 0.01 ? 1000 + Math.floor(random() * 2000) : 1 + Math.floor(random() ** 2 * 120);
    const rows = [];
    for (let i = 0; i < size; i++) {
      const repo = `org-${Math.floor(random() * 40)}/repo-${Math.floor(random() * 8)}`;
      const a = LANGUAGES[Math.floor(random() * LANGUAGES.length)]!;
      const b = LANGUAGES[Math.floor(random() * LANGUAGES.length)]!;
      const id = prId++;
      rows.push({
        user_id: row.id,
        author_github_id: 50_000_000 + u,
        author_login: login,
        github_pr_id: id,
        repository_id: 1000 + (id % 320),
        repo_full_name: repo,
        pr_number: 1 + (id % 5000),
        title: `Improve <thing> & "stuff" number ${id}`,
        url: `https://github.com/${repo}/pull/${id}`,
        merged_at: new Date(Date.now() - Math.floor(random() * 3 * 365) * 86_400_000),
        additions: Math.floor(random() * 400),
        deletions: Math.floor(random() * 100),
        changed_files: 1 + Math.floor(random() * 10),
        languages: JSON.stringify({ [a]: Math.floor(random() * 300), [b]: Math.floor(random() * 100) }),
        skill_tags: [a.toLowerCase()],
        source: "webhook",
        enriched_at: new Date(),
      });
    }
    for (let i = 0; i < rows.length; i += 500) await knex("contributions").insert(rows.slice(i, i + 500));
    total += size;
  }
  console.log(`bench:widget — ${USERS} users, ${total} contributions seeded in ${((performance.now() - started) / 1000).toFixed(1)} s (embedded PGlite)`);

  const server = await illuminate.listen(0, "127.0.0.1");
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cold: number[] = [];
  const warm: number[] = [];
  const revalidated: number[] = [];
  const etags = new Map<string, string>();
  const pick = seeded(7);
  for (let n = 0; n < REQUESTS; n++) {
    // The first USERS requests are each user's first card; then a mix of repeat views.
    const login = n < USERS ? logins[n]! : logins[Math.floor(pick() * USERS)]!;
    const layout = n < USERS ? "stats" : LAYOUTS[Math.floor(pick() * LAYOUTS.length)]!;
    const path = `/api/portfolio/${login}/widget?layout=${layout}&theme=dark`;
    const etag = etags.get(path);
    const conditional = etag !== undefined && pick() < 0.5;
    const t0 = performance.now();
    const res = await fetch(base + path, { headers: conditional ? { "if-none-match": etag } : {} });
    await res.arrayBuffer();
    const ms = performance.now() - t0;
    if (res.status !== 200 && res.status !== 304) throw new Error(`${path} answered ${res.status}`);
    if (!etag) cold.push(ms);
    else if (conditional) revalidated.push(ms);
    else warm.push(ms);
    etags.set(path, res.headers.get("etag")!);
  }
  console.log("\nHTTP round trip on 127.0.0.1 (server + client):");
  console.log(`  cold (first render of that card)   ${fmt(cold)}`);
  console.log(`  warm (same card, 200)              ${fmt(warm)}`);
  console.log(`  warm (If-None-Match → 304)         ${fmt(revalidated)}`);

  // The same work without HTTP: what the widget service itself costs.
  let skewMs = 0;
  const service = createWidgetService({ knex, now: () => new Date(Date.now() + skewMs), timeZoneOf: async () => "UTC" });
  const inCold: number[] = [];
  const inWarm: number[] = [];
  const inChecked: number[] = [];
  for (let n = 0; n < Math.min(USERS, 1000); n++) {
    const t0 = performance.now();
    await service(logins[n]!, { layout: "languages", theme: "nord" });
    inCold.push(performance.now() - t0);
    const t1 = performance.now();
    await service(logins[n]!, { layout: "languages", theme: "nord" });
    inWarm.push(performance.now() - t1);
  }
  // A minute later the card is no longer reused blindly: its version is checked (two indexed
  // queries) and the rendered SVG comes from the render cache.
  skewMs = 61_000;
  for (let n = 0; n < Math.min(USERS, 1000); n++) {
    const t0 = performance.now();
    await service(logins[n]!, { layout: "languages", theme: "nord" });
    inChecked.push(performance.now() - t0);
  }
  console.log("\nIn-process widget service (database + render, no HTTP):");
  console.log(`  cold                               ${fmt(inCold)}`);
  console.log(`  warm (reused within the minute)    ${fmt(inWarm)}`);
  console.log(`  warm (version re-checked)          ${fmt(inChecked)}`);
  console.log(`\nGitHub API calls made: ${githubCalls}`);

  await illuminate.close();
  await new Promise((resolve) => fakeGithub.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
  if (githubCalls !== 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
