import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TreeEntry } from "../../src/guidance/repository-reader.js";

const root = fileURLToPath(new URL("../fixtures/guidance/", import.meta.url));

/** Which fixture file is which path in its repository. */
const LAYOUT = {
  node: { "README.md": "README.md", "CONTRIBUTING.md": "CONTRIBUTING.md", "development.md": "docs/development.md" },
  python: { "README.rst": "README.rst", "CONTRIBUTING.rst": "CONTRIBUTING.rst" },
  rust: { "README.md": "README.md", "CONTRIBUTING.md": "CONTRIBUTING.md" },
  go: { "README.md": "README.md", "CONTRIBUTING.md": ".github/CONTRIBUTING.md" },
} as const;

export type Ecosystem = keyof typeof LAYOUT;

export interface RepoFixture {
  tree: TreeEntry[];
  /** repository path → text */
  files: Record<string, string>;
  readmePath: string;
}

export function loadRepoFixture(ecosystem: Ecosystem): RepoFixture {
  const dir = `${root}${ecosystem}/`;
  const files: Record<string, string> = {};
  for (const [file, path] of Object.entries(LAYOUT[ecosystem])) files[path] = readFileSync(`${dir}${file}`, "utf8");
  const tree: TreeEntry[] = readFileSync(`${dir}tree.txt`, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => (line.endsWith("/") ? { path: line.slice(0, -1), type: "tree", size: null } : { path: line, type: "blob", size: files[line]?.length ?? 1200 }));
  const readmePath = Object.values(LAYOUT[ecosystem]).find((p) => p.startsWith("README"))!;
  return { tree, files, readmePath };
}
