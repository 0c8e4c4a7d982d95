import type { TreeEntry } from "./repository-reader.js";

export interface ResolvedReference {
  path: string;
  /** how the issue pointed at it */
  via: "path" | "stack_trace" | "identifier";
  mention: string;
}

const CODE_EXT = "ts|tsx|js|jsx|mjs|cjs|py|pyi|rb|go|rs|java|kt|kts|scala|swift|c|h|cc|cpp|hpp|cs|php|ex|exs|erl|clj|hs|ml|lua|dart|vue|svelte|sql|sh|bash|ps1|md|mdx|rst|txt|json|jsonc|yml|yaml|toml|ini|cfg|conf|xml|html|css|scss|less|gradle|lock|proto|graphql|tf";
const PATH_TOKEN = new RegExp(`(?:^|[\\s\`'"(\\[<])((?:[A-Za-z]:)?(?:\\.{0,2}/)?(?:[\\w.@+-]+/)+[\\w.@+-]+|[\\w.+-]+\\.(?:${CODE_EXT}))(?=$|[\\s\`'")\\]>:,;#]|\\.\\s|\\.$)`, "gm");
const PYTHON_FRAME = /File "([^"]+)", line \d+/g;
const JS_FRAME = /\bat (?:[^\s(]+ )?\(?((?:[A-Za-z]:)?[^\s():]+\.\w+):\d+(?::\d+)?\)?/g;
const JAVA_FRAME = /\bat ([\w$.]+)\.[\w$<>]+\(([\w$]+\.(?:java|kt|scala)):\d+\)/g;
const GO_RUST_FRAME = /((?:\/|\b)[\w./@+-]+\.(?:go|rs|c|cc|cpp|rb|php|ex|exs|swift)):\d+/g;
const IDENTIFIER = /`([A-Za-z_][\w]*(?:(?:\.|::)[A-Za-z_]\w*)*)(?:\(\))?`|\b([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+)\b/g;

const clean = (p: string) => p.replace(/^[A-Za-z]:/, "").replace(/\\/g, "/").replace(/^\.?\.?\//, "").replace(/[#:].*$/, "");

interface TreeIndex {
  paths: Set<string>;
  blobs: string[];
  byBase: Map<string, string[]>;
  byStem: Map<string, string[]>;
}

export function indexTree(entries: TreeEntry[]): TreeIndex {
  const blobs = entries.filter((e) => e.type === "blob").map((e) => e.path);
  const byBase = new Map<string, string[]>();
  const byStem = new Map<string, string[]>();
  for (const path of blobs) {
    const base = path.slice(path.lastIndexOf("/") + 1);
    byBase.set(base.toLowerCase(), [...(byBase.get(base.toLowerCase()) ?? []), path]);
    const stem = base.replace(/\.[^.]+$/, "").replace(/[-_.]/g, "").toLowerCase();
    byStem.set(stem, [...(byStem.get(stem) ?? []), path]);
  }
  return { paths: new Set(entries.map((e) => e.path)), blobs, byBase, byStem };
}

function resolvePath(candidate: string, index: TreeIndex): string[] {
  const path = clean(candidate);
  if (!path) return [];
  if (index.paths.has(path)) return [path];
  if (path.includes("/")) {
    // An absolute path from someone's machine or CI: the longest tree path it ends with wins.
    const suffixes = index.blobs.filter((p) => path.endsWith(`/${p}`) || p.endsWith(`/${path}`));
    if (suffixes.length === 0) return [];
    const best = Math.max(...suffixes.map((p) => p.length));
    return suffixes.filter((p) => p.length === best).slice(0, 2);
  }
  const same = index.byBase.get(path.toLowerCase()) ?? [];
  return same.length <= 2 ? same : [];
}

/**
 * Files the issue points at, resolved against the repository's tree: written paths, stack-trace
 * frames (absolute paths matched by suffix) and code identifiers matched to file names. What
 * cannot be resolved is dropped; ambiguous names resolve only when they name at most two files.
 */
export function extractReferences(text: string, entries: TreeEntry[], max = 6): ResolvedReference[] {
  const index = indexTree(entries);
  const found = new Map<string, ResolvedReference>();
  const add = (paths: string[], via: ResolvedReference["via"], mention: string) => {
    for (const path of paths) if (!found.has(path) && found.size < max) found.set(path, { path, via, mention: mention.slice(0, 200) });
  };
  for (const m of text.matchAll(PYTHON_FRAME)) add(resolvePath(m[1]!, index), "stack_trace", m[0]);
  for (const m of text.matchAll(JS_FRAME)) if (!m[1]!.includes("node_modules")) add(resolvePath(m[1]!, index), "stack_trace", m[0]);
  for (const m of text.matchAll(JAVA_FRAME)) {
    const dir = m[1]!.split(".").slice(0, -1).join("/");
    const match = index.blobs.filter((p) => p.endsWith(`${dir}/${m[2]}`));
    add(match.length > 0 ? match.slice(0, 1) : resolvePath(m[2]!, index), "stack_trace", m[0]);
  }
  for (const m of text.matchAll(GO_RUST_FRAME)) add(resolvePath(m[1]!, index), "stack_trace", m[0]);
  for (const m of text.matchAll(PATH_TOKEN)) {
    if (/^https?:|\/\/|^[\d.]+$/.test(m[1]!) || /:\/\/$/.test(text.slice(0, m.index))) continue;
    add(resolvePath(m[1]!, index), "path", m[1]!);
  }
  for (const m of text.matchAll(IDENTIFIER)) {
    const name = (m[1] ?? m[2])!.split(/\.|::/).find((part) => part.length >= 4);
    if (!name) continue;
    const hits = index.byStem.get(name.replace(/_/g, "").toLowerCase()) ?? [];
    if (hits.length > 0 && hits.length <= 2) add(hits, "identifier", name);
  }
  return [...found.values()];
}
