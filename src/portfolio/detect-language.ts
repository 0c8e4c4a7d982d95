import * as linguist from "linguist-languages";

interface LinguistLanguage {
  type?: string;
  extensions?: readonly string[];
  filenames?: readonly string[];
}

/**
 * Extensions shared by a common language and a rare one, settled for the language pull requests
 * almost always mean (GitHub's Linguist does it with content heuristics we cannot run on a diff).
 */
const PREFERRED: Record<string, string> = {
  ".md": "Markdown",
  ".h": "C",
  ".m": "Objective-C",
  ".pl": "Perl",
  ".rs": "Rust",
  ".v": "Verilog",
  ".ts": "TypeScript",
  ".cs": "C#",
  ".sql": "SQL",
  ".r": "R",
};

const TYPE_RANK: Record<string, number> = { programming: 0, markup: 1, prose: 2, data: 3 };

/**
 * Tie-break when several languages claim an extension (".h" is C, C++ and Objective-C): the
 * PREFERRED table first, then a language whose *primary* extension it is, then by type
 * (programming, markup, prose, data), then the name in alphabetical order.
 */
function rank(name: string, language: LinguistLanguage, extension: string): [number, number, string] {
  return [language.extensions?.[0] === extension ? 0 : 1, TYPE_RANK[language.type ?? "data"] ?? 4, name];
}

function compareRanks(a: [number, number, string], b: [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]);
}

function buildTables() {
  const byExtension = new Map<string, Array<{ name: string; rank: [number, number, string] }>>();
  const byFilename = new Map<string, string>();
  for (const [name, language] of Object.entries(linguist as unknown as Record<string, LinguistLanguage>)) {
    for (const extension of language.extensions ?? []) {
      const key = extension.toLowerCase();
      const list = byExtension.get(key) ?? [];
      list.push({ name, rank: rank(name, language, extension) });
      byExtension.set(key, list);
    }
    for (const filename of language.filenames ?? []) if (!byFilename.has(filename)) byFilename.set(filename, name);
  }
  const winners = new Map<string, string>();
  for (const [extension, list] of byExtension) {
    const preferred = PREFERRED[extension];
    winners.set(extension, preferred && list.some((l) => l.name === preferred) ? preferred : list.sort((a, b) => compareRanks(a.rank, b.rank))[0]!.name);
  }
  return { winners, byFilename };
}

const tables = buildTables();

/**
 * The language of a changed file by its name: an exact file name Linguist knows ("Dockerfile"),
 * else the longest known extension (".d.ts" before ".ts"), else null (the file does not count).
 */
export function detectLanguage(filePath: string): string | null {
  const base = filePath.slice(filePath.lastIndexOf("/") + 1);
  const named = tables.byFilename.get(base);
  // Linguist's catch-all for plain text (LICENSE, *.txt) says nothing about a skill.
  if (named) return named === "Text" ? null : named;
  const lower = base.toLowerCase();
  for (let dot = lower.indexOf("."); dot >= 0; dot = lower.indexOf(".", dot + 1)) {
    const found = tables.winners.get(lower.slice(dot));
    if (found) return found === "Text" ? null : found;
  }
  return null;
}

/** Lines changed per language over a PR's files, largest first. */
export function languagesOfFiles(files: Array<{ filename: string; additions: number; deletions: number }>): Record<string, number> {
  const totals = new Map<string, number>();
  for (const file of files) {
    const language = detectLanguage(file.filename);
    if (language) totals.set(language, (totals.get(language) ?? 0) + file.additions + file.deletions);
  }
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}
