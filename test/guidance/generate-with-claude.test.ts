import Anthropic from "@anthropic-ai/sdk";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { NO_USAGE } from "../../src/guidance/estimate-cost.js";
import { generateWithClaude, ModelPermanentError, type CallBudget, type ClaudeSettings } from "../../src/guidance/generate-with-claude.js";
import { ANTHROPIC, modelSections, nockMessages, toolAnswer, type CapturedRequest } from "./harness.js";

const blocks = { repositoryBlock: "<repository>\nRepository: fernlog/fernlog\n</repository>", issueBlock: "<issue>\nIssue #42\n</issue>" };

function settings(waits: number[], timeoutMs = 10_000): ClaudeSettings {
  return {
    client: new Anthropic({ apiKey: "sk-ant-test-key-0000000000", baseURL: ANTHROPIC, maxRetries: 0 }),
    model: "claude-sonnet-4-6",
    maxTokens: 2000,
    timeoutMs,
    maxWaitMs: 60_000,
    sleep: async (ms) => void waits.push(ms),
  };
}

function budget(used = 0): CallBudget & { spent: number } {
  const b = { used, max: 3, usage: NO_USAGE, spent: 0, spend: async () => { b.used += 1; b.spent += 1; } };
  return b;
}

const error = (type: string, message: string) => ({ type: "error", error: { type, message } });

describe("asking Claude for the five sections", () => {
  it("waits as long as a 429's retry-after says, then succeeds on the next call", async () => {
    const captured: CapturedRequest[] = [];
    const scope = nockMessages([
      { status: 429, body: error("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"), headers: { "retry-after": "7" } },
      { status: 200, body: toolAnswer(modelSections(), { input_tokens: 100, output_tokens: 50, cache_read_input_tokens: 3000, cache_creation_input_tokens: 0 }) },
    ], captured);
    const waits: number[] = [];
    const b = budget();
    const result = await generateWithClaude(settings(waits), blocks, b);
    scope.done();
    expect(waits).toEqual([7000]);
    expect(result.calls).toBe(2);
    expect(result.sections.overview.summary).toMatch(/structured logger/);
    expect(b.usage).toEqual({ inputTokens: 100, outputTokens: 50, cacheReadInputTokens: 3000, cacheCreationInputTokens: 0 });
  });

  it("stops after three calls when the API stays overloaded (529), counting every call", async () => {
    const captured: CapturedRequest[] = [];
    const overloaded = { status: 529, body: error("overloaded_error", "Overloaded"), headers: { "retry-after": "1" } };
    const scope = nockMessages([overloaded, overloaded, overloaded], captured);
    const waits: number[] = [];
    const b = budget();
    await expect(generateWithClaude(settings(waits), blocks, b)).rejects.toMatchObject({ name: "ModelPermanentError", code: "exhausted" });
    scope.done();
    expect(captured).toHaveLength(3);
    expect(b.spent).toBe(3);
    expect(waits).toEqual([1000, 1000]);
  });

  it("calls already made by an earlier attempt of the job count against the same three", async () => {
    const captured: CapturedRequest[] = [];
    const scope = nockMessages([{ status: 529, body: error("overloaded_error", "Overloaded") }], captured);
    await expect(generateWithClaude(settings([]), blocks, budget(2))).rejects.toBeInstanceOf(ModelPermanentError);
    scope.done();
    expect(captured).toHaveLength(1);
  });

  it("does not retry when the spend limit is reached", async () => {
    const captured: CapturedRequest[] = [];
    const scope = nockMessages([{ status: 400, body: error("invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.") }], captured);
    await expect(generateWithClaude(settings([]), blocks, budget())).rejects.toMatchObject({ code: "spend_limit" });
    scope.done();
    expect(captured).toHaveLength(1);
  });

  it("does not retry a billing error or a refused key", async () => {
    const captured: CapturedRequest[] = [];
    nockMessages([{ status: 400, body: error("billing_error", "Spend limit reached") }, { status: 401, body: error("authentication_error", "invalid x-api-key") }], captured);
    await expect(generateWithClaude(settings([]), blocks, budget())).rejects.toMatchObject({ code: "spend_limit" });
    await expect(generateWithClaude(settings([]), blocks, budget())).rejects.toMatchObject({ code: "auth" });
    expect(captured).toHaveLength(2);
  });

  it("retries a malformed answer once, telling the model what was wrong", async () => {
    const captured: CapturedRequest[] = [];
    const { redFlags: _dropped, ...missing } = modelSections();
    const scope = nockMessages([{ status: 200, body: toolAnswer(missing) }, { status: 200, body: toolAnswer(modelSections()) }], captured);
    const result = await generateWithClaude(settings([]), blocks, budget());
    scope.done();
    expect(result.calls).toBe(2);
    const retry = (captured[1]!.body as any).messages[0].content[0].text as string;
    expect(retry).toMatch(/previous answer could not be used: redFlags/);
    // The cached prefix is the same on the retry.
    expect((captured[1]!.body as any).system).toEqual((captured[0]!.body as any).system);
  });

  it("gives up after a second malformed answer, and says a truncated one was cut off", async () => {
    const captured: CapturedRequest[] = [];
    const truncated = toolAnswer({ overview: { summary: "fernlog is" } }, {}, "max_tokens");
    const text = { ...toolAnswer(null), content: [{ type: "text", text: "Here is the deep dive you asked for." }], stop_reason: "end_turn" };
    const scope = nockMessages([{ status: 200, body: truncated }, { status: 200, body: text }], captured);
    await expect(generateWithClaude(settings([]), blocks, budget())).rejects.toMatchObject({ code: "malformed" });
    scope.done();
    expect((captured[1]!.body as any).messages[0].content[0].text).toMatch(/cut off by the token limit/);
  });

  it("treats a timeout like an unavailable model: retried within the budget", async () => {
    const scope = nock(ANTHROPIC).post("/v1/messages").delay(500).reply(200, toolAnswer(modelSections())).post("/v1/messages").reply(200, toolAnswer(modelSections()));
    const waits: number[] = [];
    const result = await generateWithClaude(settings(waits, 100), blocks, budget());
    expect(result.calls).toBe(2);
    expect(waits).toHaveLength(1);
    scope.done();
  });
});
