import pg from "pg";
import { createDb } from "../src/db/create-db.js";
import { migrateLatest } from "../src/db/migrate.js";
import type { Db } from "../src/db/types.js";
import { planSearch, searchIssues, searchQuerySchema } from "../src/matching/search/search-issues.js";
import { searchSql } from "../src/matching/search/search-sql.js";
import { createSignedCursor } from "../src/matching/signed-cursor.js";
import { benchDatabaseUrls, ms, percentile, seedIssues, seedRepositories } from "./bench-matching-seed.js";

// npm run bench:search — PostgreSQL only. Seeds 1,000,000 issues across 5,000 repositories in a
// throwaway database, then runs a rotating set of 48 queries (common and rare words, phrases, typos,
// repository names) through the search service, and a ranked ILIKE '%…%' search as a baseline.
// Prints p50/p95 and EXPLAIN ANALYZE of a common-word search and a misspelt one at 1M.

const REPOSITORIES = 5_000;
const SIZE = Number(process.env.BENCH_SIZE ?? 1_000_000);
/** Measurement rounds on the same data (the machine is shared: figures vary between rounds). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const QUERIES = [
  "parser crash", "memory leak", "timeout", "docs typo", "dark mode", "keyboard accessibility", "pagination", "regex",
  "json export", "yaml", "unicode", "websocket reconnect", "oauth token", "migration", "plugin theme", "tooltip",
  "hydration", "\"connection pool\"", "retry backoff", "cron", "webhook signature", "avatar resize", "gzip", "flaky test",
  "eslint prettier", "generics inference", "esm commonjs", "semver", "stacktrace", "float rounding", "validation -schema",
  "shell completion", "spinner", "docker", "kubernetes container", "i18n locale", "calender", "paginaton", "websokcet",
  "accesibility", "serialzer", "thumbnial", "brotli", "underflow", "deprecation warning", "sidebar modal", "org12", "cache or session",
];

/** Common, mid-frequency and rare words, and a typo: the baseline costs about the same for all. */
const BASELINE_QUERIES = ["parser crash", "memory leak", "pagination", "websocket reconnect", "brotli", "calender"];

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function measure(db: Db, deps: Parameters<typeof searchIssues>[1]) {
  const timings: number[] = [];
  for (let round = 0; round < 2; round++) {
    for (const q of QUERIES) timings.push(await time(() => searchIssues(db.knex, deps, "bench", searchQuerySchema.parse({ q }))));
  }
  timings.sort((a, b) => a - b);
  // The baseline ranks like a search must: every open issue whose title or body contains all the
  // words, title matches first, newest first — which with ILIKE '%…%' means reading every row.
  const baseline: number[] = [];
  for (const q of BASELINE_QUERIES) {
    const words = q.replace(/"/g, "").split(" ");
    baseline.push(await time(() => db.knex.raw(
      `select id, title from issues where state = 'open' and ${words.map(() => `(title ilike ? or body ilike ?)`).join(" and ")}
       order by (${words.map(() => `(title ilike ?)::int`).join(" + ")}) desc, github_updated_at desc limit 20`,
      [...words.flatMap((w) => [`%${w}%`, `%${w}%`]), ...words.map((w) => `%${w}%`)],
    )));
  }
  baseline.sort((a, b) => a - b);
  const p50 = percentile(timings, 50);
  const p95 = percentile(timings, 95);
  const b50 = percentile(baseline, 50);
  console.log(`\n${SIZE.toLocaleString("en")} issues: search p50 ${ms(p50)}, p95 ${ms(p95)} over ${timings.length} queries (${QUERIES.length} distinct)`);
  console.log(`  ILIKE '%…%' baseline: p50 ${ms(b50)}, p95 ${ms(percentile(baseline, 95))} over ${baseline.length} queries — ${(b50 / p50).toFixed(0)}× the search p50, ${(b50 / p95).toFixed(0)}× its p95`);
}

async function main() {
  const { admin, bench } = benchDatabaseUrls(process.env.DATABASE_URL, "illuminate_bench_search");
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query("drop database if exists illuminate_bench_search");
  await client.query("create database illuminate_bench_search");
  const db = await createDb({ databaseUrl: bench });
  try {
    await migrateLatest(db);
    const started = performance.now();
    await seedRepositories(db.knex, REPOSITORIES);
    await seedIssues(db.knex, 1, SIZE, REPOSITORIES);
    console.log(`seeded ${SIZE.toLocaleString("en")} issues in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const deps = { cursors: createSignedCursor("bench-secret-bench-secret-bench-secret"), webUrl: "https://github.com", now: () => new Date() };
    await searchIssues(db.knex, deps, "bench", searchQuerySchema.parse({ q: "warm up" }));
    for (let round = 1; round <= ROUNDS; round++) {
      if (ROUNDS > 1) console.log(`\nround ${round} of ${ROUNDS}`);
      await measure(db, deps);
    }
    for (const q of ["parser crash", "i18n locale", "paginaton"]) {
      const asOf = new Date();
      const searchPlan = await planSearch(db.knex, {}, q, asOf);
      const plan = await db.knex.raw(`explain (analyze, buffers) ${searchSql({}, false, searchPlan)}`, { q, fixed: searchPlan.fixed, asOf: asOf.toISOString(), limitPlusOne: 21 });
      console.log(`\nEXPLAIN ANALYZE of the search "${q}" at ${SIZE.toLocaleString("en")} issues:\n${plan.rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n")}`);
    }
  } finally {
    await db.close();
    await client.query("drop database if exists illuminate_bench_search");
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
