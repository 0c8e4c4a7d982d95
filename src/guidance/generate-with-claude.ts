import Anthropic from "@anthropic-ai/sdk";
import type { z } from "zod";
import { buildDeepDiveRequest } from "./build-prompt.js";
import { DEEP_DIVE_TOOL_NAME, sectionsSchema, type DeepDiveSections } from "./deep-dive-sections.js";
import { addUsage, type ModelUsage } from "./estimate-cost.js";

export interface ClaudeSettings {
  client: Anthropic;
  model: string;
  maxTokens: number;
  timeoutMs: number;
  /** waits longer than this (a long retry-after) end the generation instead of holding a worker */
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  /** told the tokens of every answered call, for metrics */
  onUsage?: (model: string, usage: ModelUsage) => void;
}

/** Model calls for one deep-dive version, shared by the queue's attempts so their sum stays bounded. */
export interface CallBudget {
  used: number;
  max: number;
  /** records one more call before it is made, so a crash mid-call still counts it */
  spend(): Promise<void>;
  /** tokens used by the calls made so far, failed answers included */
  usage: ModelUsage;
}

/** A failure retrying cannot fix: the spend limit, a rejected key, a request the API refuses. */
export class ModelPermanentError extends Error {
  override name = "ModelPermanentError";
  constructor(
    message: string,
    public readonly code: "spend_limit" | "auth" | "bad_request" | "malformed" | "exhausted",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504, 529]);

function isSpendLimit(error: InstanceType<typeof Anthropic.APIError>): boolean {
  if (error.type === "billing_error" || error.status === 402) return true;
  return error.status === 400 && /credit balance|spend(ing)? limit|billing|usage limit/i.test(error.apiMessage ?? error.message);
}

function retryAfterMs(error: InstanceType<typeof Anthropic.APIError>, attempt: number): number {
  const headers = error.headers;
  const ms = Number(headers?.get("retry-after-ms"));
  if (Number.isFinite(ms) && ms >= 0 && headers?.get("retry-after-ms") !== null) return ms;
  const raw = headers?.get("retry-after");
  if (raw) {
    const seconds = Number(raw);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(raw);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  return Math.min(8_000, 1_000 * 2 ** (attempt - 1));
}

const describeIssues = (error: z.ZodError) =>
  error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");

function toUsage(usage: Anthropic.Usage | undefined): ModelUsage {
  return {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cacheReadInputTokens: usage?.cache_read_input_tokens ?? 0,
    cacheCreationInputTokens: usage?.cache_creation_input_tokens ?? 0,
  };
}

/**
 * Asks Claude for the five sections through a forced, strict tool call. A malformed or truncated
 * answer is retried once with a note saying what was wrong; 429/529 and server errors wait for
 * retry-after; the spend limit and other client errors stop at once. Every call counts against
 * the budget, whichever attempt of the job makes it.
 */
export async function generateWithClaude(
  settings: ClaudeSettings,
  blocks: { repositoryBlock: string; issueBlock: string },
  budget: CallBudget,
): Promise<{ sections: DeepDiveSections; calls: number }> {
  let repairNote: string | undefined;
  let malformed = 0;
  let calls = 0;
  while (budget.used < budget.max) {
    await budget.spend();
    calls += 1;
    const request = buildDeepDiveRequest({ model: settings.model, maxTokens: settings.maxTokens, ...blocks, repairNote });
    let message: Anthropic.Message;
    try {
      message = await settings.client.messages.create(request, { timeout: settings.timeoutMs, maxRetries: 0 });
    } catch (error) {
      if (!(error instanceof Anthropic.APIError)) throw error;
      if (error.status !== undefined && isSpendLimit(error)) throw new ModelPermanentError("the Anthropic account's spend limit or credit is exhausted", "spend_limit", { cause: error });
      if (error.status === 401 || error.status === 403) throw new ModelPermanentError("the Anthropic API key was refused", "auth", { cause: error });
      const retryable = error instanceof Anthropic.APIConnectionError || (error.status !== undefined && RETRYABLE_STATUS.has(error.status));
      if (!retryable) throw new ModelPermanentError(`the Anthropic API refused the request (${error.status})`, "bad_request", { cause: error });
      if (budget.used >= budget.max) throw new ModelPermanentError(`the model stayed unavailable after ${budget.max} calls (last: ${error.status ?? "timeout"})`, "exhausted", { cause: error });
      const wait = retryAfterMs(error, budget.used);
      if (wait > settings.maxWaitMs) throw new ModelPermanentError(`the model asked us to wait ${Math.round(wait / 1000)} s`, "exhausted", { cause: error });
      await settings.sleep(wait);
      continue;
    }
    budget.usage = addUsage(budget.usage, toUsage(message.usage));
    settings.onUsage?.(settings.model, toUsage(message.usage));
    const call = message.content.find((block): block is Anthropic.ToolUseBlock => block.type === "tool_use" && block.name === DEEP_DIVE_TOOL_NAME);
    const parsed = call ? sectionsSchema.safeParse(call.input) : null;
    if (parsed?.success) return { sections: parsed.data, calls };
    malformed += 1;
    const why = message.stop_reason === "max_tokens" ? "the answer was cut off by the token limit; keep every section shorter" : parsed ? describeIssues(parsed.error) : "no tool call";
    if (malformed >= 2) throw new ModelPermanentError(`the model's answer was malformed twice (${why})`, "malformed");
    repairNote = why;
  }
  throw new ModelPermanentError(`no usable answer within ${budget.max} model calls`, "exhausted");
}
