import { loadConfigFromProcess } from "../config.js";
import { createLogger } from "../create-logger.js";
import { createDb } from "../db/create-db.js";
import { migrateLatest } from "../db/migrate.js";
import { createGithubClients } from "../github/create-github-clients.js";
import { backfillRepository } from "./backfill/backfill-repository.js";
import { crawlTrackedRepositories } from "./crawler/crawl-tracked-repositories.js";
import { computeRepositoryHealth } from "./health/compute-repository-health.js";
import { createProgressBar } from "./progress-bar.js";
import { repositoryFullName } from "./routes/repository-name.js";
import { getInstallation } from "./store/installation-store.js";
import { getRepositoryByFullName } from "./store/repository-store.js";
import { getSyncProgress, queueSync } from "./store/sync-progress-store.js";
import { trackRepository } from "./store/tracked-repository-store.js";

// `npm run crawl -- owner/repo`: brings one repository's issues up to date now. An installed
// repository is backfilled with the App's installation token; any other is tracked and crawled
// with CRAWLER_GITHUB_TOKEN.

async function main(argv: string[]): Promise<number> {
  const parsed = repositoryFullName.safeParse(argv[0] ?? "");
  if (!parsed.success || argv.length !== 1) {
    process.stderr.write("usage: npm run crawl -- owner/repo\n");
    return 2;
  }
  const fullName = parsed.data;
  const config = loadConfigFromProcess();
  const log = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log });
  const bar = createProgressBar(process.stderr);
  try {
    await migrateLatest(db);
    const github = createGithubClients({ config, log });
    const now = () => new Date();
    const known = await getRepositoryByFullName(db.knex, fullName);
    const installation = known?.installationId ? await getInstallation(db.knex, known.installationId) : null;

    if (known && installation && !installation.deletedAt && github.probot) {
      await queueSync(db.knex, known.id);
      const client = await github.forInstallation(installation.id);
      const phases = ["open_issues", "closed_issues", "pull_requests", "commits", "health"];
      const timer = setInterval(() => {
        void getSyncProgress(db.knex, known.id).then((p) => {
          if (!p) return;
          const step = p.status === "done" ? phases.length : Math.max(0, phases.indexOf(p.phase ?? ""));
          bar.update(step, phases.length, `${fullName} · ${p.phase ?? "starting"} · ${p.issuesSynced} issues, ${p.pullRequestsSynced} PRs, ${p.commitsSynced} commits`);
        });
      }, 250);
      try {
        await backfillRepository({ knex: db.knex, client, repositoryId: known.id, now, log });
      } finally {
        clearInterval(timer);
      }
      const progress = await getSyncProgress(db.knex, known.id);
      bar.finish();
      process.stdout.write(
        `${fullName}: backfilled ${progress?.issuesSynced ?? 0} issues, ${progress?.pullRequestsSynced ?? 0} pull requests, ` +
          `${progress?.commitsSynced ?? 0} commits in ${progress?.requests ?? 0} requests (${progress?.points ?? 0} points)\n`,
      );
    } else {
      const client = github.forCrawler();
      if (!client) {
        process.stderr.write(`${fullName} is not installed: set CRAWLER_GITHUB_TOKEN to crawl it\n`);
        return 1;
      }
      const { tracked } = await trackRepository(db.knex, fullName, "cli");
      const stats = await crawlTrackedRepositories({
        knex: db.knex,
        client,
        now,
        log,
        trackedIds: [tracked.id],
        onProgress: (p) => bar.update(p.fetched, p.total, p.fullName),
      });
      bar.finish();
      if (stats.vanished > 0) {
        process.stderr.write(`${fullName}: GitHub has no such repository (or the token cannot see it)\n`);
        return 1;
      }
      process.stdout.write(
        `${fullName}: ${stats.issuesFetched} changed issues in ${stats.requests} requests (${stats.points} points)` +
          `${stats.stoppedForBudget ? `; stopped to keep the rate budget, resume after ${stats.resumeAt?.toISOString()}` : ""}\n`,
      );
    }
    const repository = await getRepositoryByFullName(db.knex, fullName);
    const health = repository ? await computeRepositoryHealth(db.knex, repository.id, now()) : null;
    if (health) process.stdout.write(`health ${health.score} ${JSON.stringify(health.components)}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`crawl failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
