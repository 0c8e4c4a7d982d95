import { describe, expect, it } from "vitest";
import { MAX_CLOSING_REFERENCES, parseClosingReferences } from "../../src/issues/signals/parse-closing-references.js";

const parse = (text: string, webUrl?: string) => parseClosingReferences(text, { repoFullName: "Acme/Widgets", webUrl });

describe("closing references in a pull request", () => {
  it("finds every keyword form GitHub links", () => {
    expect(
      parse(
        "Fixes #12\ncloses: #13, Resolved #14 and resolves other/repo#3\nAlso fix https://github.com/Acme/Widgets/issues/15. Close #16",
      ),
    ).toEqual([
      { repo: "acme/widgets", number: 12 },
      { repo: "acme/widgets", number: 13 },
      { repo: "acme/widgets", number: 14 },
      { repo: "other/repo", number: 3 },
      { repo: "acme/widgets", number: 15 },
      { repo: "acme/widgets", number: 16 },
    ]);
  });

  it("ignores mentions without a keyword, words that merely end like one, and pull-request URLs", () => {
    expect(parse("Related to #12, see #13. Prefixes #14. https://github.com/acme/widgets/pull/15 fixes nothing")).toEqual([]);
    expect(parse("fixes https://github.com/acme/widgets/pull/15")).toEqual([]);
  });

  it("understands a GitHub Enterprise host", () => {
    expect(parse("fixes https://git.example.com/acme/widgets/issues/4", "https://git.example.com")).toEqual([{ repo: "acme/widgets", number: 4 }]);
    expect(parse("fixes https://github.com/acme/widgets/issues/4", "https://git.example.com")).toEqual([]);
  });

  it("stays bounded on a body with thousands of references", () => {
    const body = Array.from({ length: 5000 }, (_, i) => `fixes #${i + 1}`).join(" ");
    const started = performance.now();
    const refs = parse(body);
    expect(refs).toHaveLength(MAX_CLOSING_REFERENCES);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(parse("#123 ".repeat(20_000))).toEqual([]);
  });
});
