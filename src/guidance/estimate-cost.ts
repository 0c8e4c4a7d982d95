export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
}

/** List prices in US dollars per million tokens, by model family; most specific prefix first. */
const PRICES: Array<{ prefix: string; input: number; output: number }> = [
  { prefix: "claude-opus-4-0", input: 15, output: 75 },
  { prefix: "claude-opus-4-1", input: 15, output: 75 },
  // "claude-opus-4-20250514": Opus 4 itself, named by its date.
  { prefix: "claude-opus-4-2", input: 15, output: 75 },
  { prefix: "claude-opus-4", input: 5, output: 25 },
  { prefix: "claude-sonnet-4", input: 3, output: 15 },
  { prefix: "claude-3-7-sonnet", input: 3, output: 15 },
  { prefix: "claude-haiku-4", input: 1, output: 5 },
  { prefix: "claude-3-5-haiku", input: 0.8, output: 4 },
  { prefix: "claude-3-haiku", input: 0.25, output: 1.25 },
];
const CACHE_WRITE = 1.25;
const CACHE_READ = 0.1;

export const addUsage = (a: ModelUsage, b: ModelUsage): ModelUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cacheReadInputTokens: a.cacheReadInputTokens + b.cacheReadInputTokens,
  cacheCreationInputTokens: a.cacheCreationInputTokens + b.cacheCreationInputTokens,
});

export const NO_USAGE: ModelUsage = { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 };

/**
 * An estimate from list prices (unknown models are priced like Sonnet). `inputTokens` is what the
 * API reports as uncached input; cache writes and reads are billed on top at their own rates.
 */
export function estimateCostUsd(model: string, usage: ModelUsage): number {
  // Dated snapshots ("claude-opus-4-1-20250805") share their family's price.
  const price = PRICES.find((p) => model.startsWith(p.prefix)) ?? { input: 3, output: 15 };
  const perToken = price.input / 1_000_000;
  const cost =
    usage.inputTokens * perToken +
    usage.cacheCreationInputTokens * perToken * CACHE_WRITE +
    usage.cacheReadInputTokens * perToken * CACHE_READ +
    usage.outputTokens * (price.output / 1_000_000);
  return Math.round(cost * 1_000_000) / 1_000_000;
}
