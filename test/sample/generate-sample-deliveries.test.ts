import { describe, expect, it } from "vitest";
import { createPrng } from "../../src/sample/create-prng.js";
import { generateSampleDeliveries } from "../../src/sample/generate-sample-deliveries.js";
import { SAMPLE_CONTRIBUTOR, SAMPLE_INSTALLATION_ID, SAMPLE_REPOSITORIES } from "../../src/sample/sample-catalog.js";
import { webhookExample } from "../helpers/github-webhooks.js";

const now = new Date("2026-11-20T12:00:00Z");

describe("the sample generator", () => {
  it("gives the same deliveries, byte for byte, for the same options, and others for another seed", () => {
    const first = generateSampleDeliveries({ now, issues: 40 });
    expect(JSON.stringify(generateSampleDeliveries({ now, issues: 40 }))).toBe(JSON.stringify(first));
    expect(JSON.stringify(generateSampleDeliveries({ now, issues: 40, seed: 7 }))).not.toBe(JSON.stringify(first));
    expect(new Set(first.map((d) => d.deliveryId)).size).toBe(first.length);
    const prng = createPrng(1);
    const again = createPrng(1);
    expect(Array.from({ length: 5 }, () => prng.next())).toEqual(Array.from({ length: 5 }, () => again.next()));
  });

  it("spreads a history over the last 90 days, installation first, oldest first", () => {
    const deliveries = generateSampleDeliveries({ now, issues: 40 });
    expect(deliveries[0]).toMatchObject({ event: "installation", payload: { action: "created" } });
    expect((deliveries[0]!.payload.repositories as unknown[]).length).toBe(SAMPLE_REPOSITORIES.length);
    const times = deliveries.map((d) => +d.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(+now - 90 * 86_400_000);
    expect(Math.max(...times)).toBeLessThan(+now);
    expect(deliveries.every((d) => (d.payload.installation as { id: number }).id === SAMPLE_INSTALLATION_ID)).toBe(true);
    expect(deliveries.filter((d) => d.event === "issues" && d.payload.action === "opened")).toHaveLength(40);
  });

  it("tells the stories the product reads: labels for newcomers, claims, linked and merged pull requests, pushes", () => {
    const deliveries = generateSampleDeliveries({ now, issues: 60 });
    const labels = new Set(deliveries.filter((d) => d.event === "issues" && d.payload.action === "labeled").map((d) => (d.payload.label as { name: string }).name));
    expect(labels).toContain("good first issue");
    const comments = deliveries.filter((d) => d.event === "issue_comment").map((d) => (d.payload.comment as { body: string }).body);
    expect(comments.some((body) => /can i (work on|take|pick up) this/i.test(body))).toBe(true);
    const prs = deliveries.filter((d) => d.event === "pull_request").map((d) => d.payload.pull_request as { body: string; merged: boolean; user: { login: string } });
    expect(prs.every((pr) => /^Fixes #\d+/.test(pr.body))).toBe(true);
    expect(prs.some((pr) => pr.merged && pr.user.login === SAMPLE_CONTRIBUTOR.login)).toBe(true);
    expect(deliveries.filter((d) => d.event === "push").every((d) => d.payload.ref === "refs/heads/main")).toBe(true);
  });

  it("shapes each payload like GitHub's own example of that event", () => {
    const deliveries = generateSampleDeliveries({ now, issues: 60 });
    const keysOf = (value: unknown) => Object.keys(value as object).sort();
    const pairs: Array<[string, string | undefined, string]> = [
      ["issues", "opened", "issue"],
      ["issues", "labeled", "label"],
      ["issue_comment", "created", "comment"],
      ["pull_request", "closed", "pull_request"],
    ];
    for (const [event, action, field] of pairs) {
      const ours = deliveries.find((d) => d.event === event && d.payload.action === action)!.payload;
      const github = webhookExample(event, action);
      // Every field GitHub's example has is there (GitHub has since added a few more, which we also send).
      expect(keysOf(ours[field])).toEqual(expect.arrayContaining(keysOf(github[field])));
      expect(keysOf(ours.repository)).toEqual(expect.arrayContaining(keysOf(github.repository).filter((k) => k !== "stargazers" && k !== "master_branch")));
      expect(keysOf(ours.sender)).toEqual(expect.arrayContaining(keysOf(github.sender)));
    }
  });
});
