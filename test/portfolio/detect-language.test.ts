import { describe, expect, it } from "vitest";
import { detectLanguage, languagesOfFiles } from "../../src/portfolio/detect-language.js";
import { skillTagsFor } from "../../src/portfolio/skill-tags.js";

describe("languages of changed files", () => {
  it.each([
    ["src/index.ts", "TypeScript"],
    ["types/global.d.ts", "TypeScript"],
    ["include/list.h", "C"],
    ["README.md", "Markdown"],
    ["main.rs", "Rust"],
    ["lib/Foo.PY", "Python"],
    ["Dockerfile", "Dockerfile"],
    ["web/App.svelte", "Svelte"],
    ["docs/intro.mdx", "MDX"],
    ["LICENSE", null],
    ["notes.txt", null],
    ["notes.unknownext", null],
  ])("%s → %s", (file, language) => {
    expect(detectLanguage(file)).toBe(language);
  });

  it("ties without a preferred entry go to the language whose primary extension it is, then by type", () => {
    // ".hpp" is only C++'s; ".json" is JSON's primary extension though other data formats share it.
    expect(detectLanguage("a.hpp")).toBe("C++");
    expect(detectLanguage("package.json")).toBe("JSON");
  });

  it("sums lines per language, largest first, ignoring unknown files", () => {
    expect(
      languagesOfFiles([
        { filename: "a.go", additions: 5, deletions: 5 },
        { filename: "b.go", additions: 1, deletions: 0 },
        { filename: "c.py", additions: 20, deletions: 0 },
        { filename: "LICENSE", additions: 100, deletions: 0 },
      ]),
    ).toEqual({ Python: 20, Go: 11 });
  });

  it("skill tags are language slugs then frameworks the paths show", () => {
    expect(skillTagsFor({ TypeScript: 10, "C++": 3 }, ["src/App.tsx", ".github/workflows/ci.yml", "x.test.ts"])).toEqual([
      "typescript",
      "c++",
      "react",
      "github-actions",
      "testing",
    ]);
  });
});
