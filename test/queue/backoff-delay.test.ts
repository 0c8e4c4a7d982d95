import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../src/queue/backoff-delay.js";

describe("backoffDelay", () => {
  it("waits the same delay after every failure with fixed backoff", () => {
    expect([1, 2, 3].map((n) => backoffDelay({ type: "fixed", delayMs: 500 }, n))).toEqual([500, 500, 500]);
  });

  it("doubles the delay after each failure with exponential backoff, starting at the base delay", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay({ type: "exponential", delayMs: 1000 }, n))).toEqual([1000, 2000, 4000, 8000]);
  });
});
