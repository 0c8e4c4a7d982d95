import type { Knex } from "knex";
import type { Logger } from "pino";
import type { GithubClients } from "../github/create-github-clients.js";
import type { Job } from "../queue/types.js";
import { PermanentJobError } from "../queue/errors.js";
import { assembleContext, type AssembledContext } from "./assemble-context.js";
import { clampSections, SECTION_KEYS, type DeepDiveSections } from "./deep-dive-sections.js";
import { countCall, findLatestReady, getDeepDive, recordDocPaths, saveFailure, saveReady, type ContextMeta } from "./deep-dive-store.js";
import { estimateCostUsd, NO_USAGE, type ModelUsage } from "./estimate-cost.js";
import { generateOffline } from "./generate-offline.js";
import { generateWithClaude, ModelPermanentError, type ClaudeSettings } from "./generate-with-claude.js";
import { createGrounder, type Removal } from "./ground-sections.js";
import type { GuidanceIssue, IssueSource } from "./issue-source.js";
import { createRepositoryReader, type RepositoryReader } from "./repository-reader.js";

export const GENERATE_JOB = "guidance.generate";
/** Model calls per version, whichever queue attempt makes them. */
export const MAX_MODEL_CALLS = 3;

export interface GenerateJobData {
  deepDiveId: number;
}

/** Told once a version is stored ready (at least once: a retried job may tell again). */
export type DeepDiveReadyListener = (event: { deepDiveId: number; issueId: number }) => Promise<void>;

export interface GeneratorDeps {
  knex: Knex;
  /** called after a version is stored ready; a listener that throws is logged, never fails the job */
  onReady?: DeepDiveReadyListener[];
  issues: IssueSource;
  github: GithubClients;
  /** null: offline mode, no API key */
  claude: ClaudeSettings | null;
  publicUrl: string;
  log: Logger;
  now: () => Date;
}

export async function readerFor(github: GithubClients, issue: GuidanceIssue): Promise<RepositoryReader | null> {
  const { owner, name, installationId } = issue.repository;
  if (installationId !== null && github.probot) return createRepositoryReader(await github.forInstallation(installationId), owner, name);
  const crawler = github.forCrawler();
  return crawler ? createRepositoryReader(crawler, owner, name) : null;
}

/** Grounds sections in the context and fills any summary grounding emptied from the offline version. */
export function finishSections(sections: DeepDiveSections, context: AssembledContext, fallback: DeepDiveSections, deps: { publicUrl: string; webUrl: string; fullName: string }) {
  const grounder = createGrounder({
    ...context.allowed,
    trustedUrlPrefixes: [`${deps.webUrl}/${deps.fullName}`, deps.publicUrl],
  });
  const grounded = grounder.ground(sections);
  const out = clampSections(grounded.sections);
  const removals: Removal[] = [...grounded.removals];
  const safeFallback = grounder.ground(fallback).sections;
  for (const key of SECTION_KEYS) {
    if (!out[key].summary) out[key].summary = safeFallback[key].summary || "Nothing could be said here from the repository's context.";
  }
  return { sections: out, removals };
}

const withCost = (model: string, usage: ModelUsage) => ({ ...usage, costUsd: estimateCostUsd(model, usage) });

/**
 * The `guidance.generate` job: assemble the context, ask Claude (or build the offline version),
 * ground what comes back, store it. Model failures never fail the job: the previous version stays
 * served, or, with none, the offline deep dive is stored with the reason. Only context errors
 * (GitHub unreachable) are retried by the queue.
 */
export function createGenerateJob(deps: GeneratorDeps) {
  const { knex, issues, github, claude, log, now } = deps;
  return async (job: Job<GenerateJobData>): Promise<void> => {
    const row = await getDeepDive(knex, job.data.deepDiveId);
    if (!row) return;
    const jobLog = log.child({ deepDiveId: row.id, issueId: row.issueId });
    const issue = await issues.getIssueForGuidance(row.issueId);
    if (!issue) {
      await saveFailure(knex, row.id, "the issue is no longer in the index");
      return;
    }
    let context: AssembledContext;
    try {
      context = await assembleContext(issue, await readerFor(github, issue), issues, { webUrl: github.webUrl });
    } catch (error) {
      const last = job.attempt >= job.maxAttempts || error instanceof PermanentJobError;
      if (last) {
        await saveFailure(knex, row.id, `could not read the repository: ${(error as Error).message}`);
        jobLog.error({ err: error }, "deep dive context failed");
      }
      throw error;
    }
    await recordDocPaths(knex, issue.repository.id, context.docs.map((d) => d.path));
    const offline = generateOffline(context.facts, issue.body ?? "", now());
    const meta = (removed: Removal[], fallbackReason?: string): ContextMeta => ({
      sources: context.sources,
      omitted: context.omitted,
      removed,
      tokens: context.tokens,
      ...(fallbackReason ? { fallbackReason } : {}),
    });
    const names = { publicUrl: deps.publicUrl, webUrl: github.webUrl, fullName: issue.repository.fullName };
    const tellReady = async () => {
      for (const listener of deps.onReady ?? []) {
        await listener({ deepDiveId: row.id, issueId: row.issueId }).catch((error: unknown) => jobLog.error({ err: error }, "deep dive ready listener failed"));
      }
    };

    if (!claude) {
      const done = finishSections(offline, context, offline, names);
      await saveReady(knex, row.id, { sections: done.sections, model: null, offline: true, meta: meta(done.removals), usage: NO_USAGE, costUsd: 0, error: null, now: now() });
      jobLog.info("offline deep dive stored");
      await tellReady();
      return;
    }

    const budget = { used: row.attempts, max: MAX_MODEL_CALLS, usage: NO_USAGE, spend: async () => {
      budget.used += 1;
      await countCall(knex, row.id);
    } };
    try {
      const answer = await generateWithClaude(claude, context, budget);
      const done = finishSections(answer.sections, context, offline, names);
      const usage = withCost(claude.model, budget.usage);
      await saveReady(knex, row.id, { sections: done.sections, model: claude.model, offline: false, meta: meta(done.removals), usage, costUsd: usage.costUsd, error: null, now: now() });
      jobLog.info({ calls: answer.calls, ...budget.usage, costUsd: usage.costUsd, removed: done.removals.length }, "deep dive stored");
      await tellReady();
    } catch (error) {
      if (!(error instanceof ModelPermanentError)) throw error;
      const usage = withCost(claude.model, budget.usage);
      const current = await getDeepDive(knex, row.id);
      const previous = current?.status === "ready" ? current : await findLatestReady(knex, row.issueId, row.id);
      if (previous) {
        // Keep serving what readers already have; the error shows next to it.
        await saveFailure(knex, row.id, error.message, usage);
        jobLog.warn({ err: error, code: error.code }, "deep dive not refreshed; previous version kept");
        return;
      }
      const done = finishSections(offline, context, offline, names);
      await saveReady(knex, row.id, {
        sections: done.sections, model: null, offline: true, meta: meta(done.removals, error.message), usage, costUsd: usage.costUsd, error: error.message, now: now(),
      });
      jobLog.warn({ err: error, code: error.code }, "model unavailable; offline deep dive stored");
      await tellReady();
    }
  };
}
