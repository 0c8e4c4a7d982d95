import Anthropic from "@anthropic-ai/sdk";
import { estimateCostUsd } from "./estimate-cost.js";
import type { RequestHandler } from "express";
import type { Domain, DomainContext } from "../domain.js";
import { createIlluminateConfigCache } from "./bot/load-illuminate-config.js";
import { BOT_COMMENT_JOB, createBotCommentJob } from "./bot/post-bot-comment.js";
import { createGuidanceRoutes } from "./create-guidance-routes.js";
import { createRateLimiters, DEFAULT_LIMITS, type GuidanceLimits } from "./create-rate-limiters.js";
import { createRepositoryAccess } from "./create-repository-access.js";
import { createDeepDiveService, type DeepDiveService } from "./deep-dive-service.js";
import { createGenerateJob, GENERATE_JOB, type DeepDiveReadyListener } from "./generate-deep-dive.js";
import type { ClaudeSettings } from "./generate-with-claude.js";
import type { IssueSource } from "./issue-source.js";
import { registerGuidanceWebhooks } from "./register-guidance-webhooks.js";

export interface GuidanceDomainOptions {
  /** the issues domain's read of an indexed issue */
  issues: IssueSource;
  /** the users domain's sign-in middleware */
  auth: { requireUser: RequestHandler; optionalUser: RequestHandler };
  limits?: Partial<GuidanceLimits>;
  /** how a generation waits out a retry-after (tests shorten it) */
  sleep?: (ms: number) => Promise<void>;
}

export interface GuidanceDomain extends Domain {
  deepDives: DeepDiveService;
  /** Register at composition time: told when a deep dive version is stored ready. */
  onDeepDiveReady(listener: DeepDiveReadyListener): void;
}

/** Tight on purpose: five short sections fit in well under this. */
const MAX_OUTPUT_TOKENS = 2_000;

export function createGuidanceDomain(context: DomainContext, options: GuidanceDomainOptions): GuidanceDomain {
  const { config, db, queue, github, now } = context;
  const log = context.log.child({ domain: "guidance" });
  const knex = db.knex;
  const { apiKey, model, baseUrl } = config.anthropic;
  const claude: ClaudeSettings | null = apiKey
    ? {
        // Retries are ours (bounded per version across queue attempts), never the SDK's on top.
        client: new Anthropic({ apiKey, baseURL: baseUrl ?? null, maxRetries: 0, timeout: 90_000 }),
        model,
        maxTokens: MAX_OUTPUT_TOKENS,
        timeoutMs: 90_000,
        maxWaitMs: 60_000,
        sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
        onUsage: (usedModel, usage) => context.metrics?.modelUsage(usedModel, { ...usage, costUsd: estimateCostUsd(usedModel, usage) }),
      }
    : null;
  const botConfigs = createIlluminateConfigCache();
  const limiters = createRateLimiters(config.redisUrl, {
    ...DEFAULT_LIMITS,
    generate: config.rateLimits.generate,
    regenerate: config.rateLimits.regenerate,
    ...options.limits,
  });
  const readyListeners: DeepDiveReadyListener[] = [];
  const deepDives = createDeepDiveService({ knex, queue, issues: options.issues, webUrl: github.webUrl, generator: claude ? model : "offline" });

  return {
    name: "guidance",
    api: createGuidanceRoutes({ knex, service: deepDives, issues: options.issues, access: createRepositoryAccess(github), limiters, auth: options.auth }),
    webhooks: (registry) => registerGuidanceWebhooks(registry, { knex, queue, appConfigured: config.github.appConfigured, botConfigs }),
    jobs: {
      [GENERATE_JOB]: createGenerateJob({ knex, onReady: readyListeners, issues: options.issues, github, claude, publicUrl: config.publicUrl, log, now }),
      [BOT_COMMENT_JOB]: createBotCommentJob({ knex, issues: options.issues, github, limiters, configs: botConfigs, publicUrl: config.publicUrl, log }),
    },
    deepDives,
    onDeepDiveReady: (listener) => void readyListeners.push(listener),
    close: () => limiters.close(),
  };
}
