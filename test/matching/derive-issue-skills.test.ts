import { describe, expect, it } from "vitest";
import { deriveIssueSkills } from "../../src/matching/skills/derive-issue-skills.js";

const base = { body: "", labels: [] as string[], repoLanguages: {} as Record<string, number>, repoTopics: [] as string[] };

describe("deriving what an issue asks for", () => {
  it("takes languages from the repository and from files named in the issue, frameworks from prose", () => {
    const facts = deriveIssueSkills({
      ...base,
      title: "Dropdown closes on scroll in SvelteKit",
      body: "The handler in `src/lib/Dropdown.svelte` and `src/lib/scroll.ts` runs twice.",
      repoLanguages: { TypeScript: 70_000, Svelte: 25_000, CSS: 5_000 },
    });
    const skills = Object.fromEntries(facts.skills.map((s) => [s.skill, s]));
    expect(skills.typescript?.weight).toBe(1);
    expect(skills.svelte?.kind).toBe("framework");
    expect(skills.sveltekit?.kind).toBe("framework");
    expect(skills.css).toBeUndefined();
  });

  it("maps labels to kinds of work and difficulty, and long multi-file issues to advanced", () => {
    const gfi = deriveIssueSkills({ ...base, title: "Fix typo in README", labels: ["good first issue", "documentation"] });
    expect(gfi).toMatchObject({ workKind: "docs", difficulty: "beginner", notReady: false });
    expect(gfi.skills).toContainEqual({ skill: "docs", kind: "work_kind", weight: 1 });
    const body = `${"x ".repeat(2500)}\n\`\`\`\ncode\n\`\`\`\n\`\`\`\nmore\n\`\`\`\na.go b.go c.go d.go e.go f.go`;
    const big = deriveIssueSkills({ ...base, title: "Rework the scheduler", body, labels: ["enhancement"] });
    expect(big.workKind).toBe("feature");
    expect(big.difficulty).toBe("advanced");
    expect(big.smallness).toBeLessThan(gfi.smallness);
  });

  it("recognises issues that are not ready to be picked up, by label or by wording", () => {
    expect(deriveIssueSkills({ ...base, title: "Crash", labels: ["status: needs info"] }).notReadyReason).toBe("needs more information");
    expect(deriveIssueSkills({ ...base, title: "Idea", labels: ["needs-triage"] }).notReadyReason).toBe("waiting for triage");
    expect(deriveIssueSkills({ ...base, title: "Why?", labels: ["question"] }).notReady).toBe(true);
    expect(deriveIssueSkills({ ...base, title: "Dup", labels: ["duplicate"] }).notReady).toBe(true);
    expect(deriveIssueSkills({ ...base, title: "Odd", body: "We cannot reproduce this, please provide a reproduction." }).notReady).toBe(true);
    expect(deriveIssueSkills({ ...base, title: "Add a --json flag", labels: ["help wanted"] }).notReady).toBe(false);
  });
});
