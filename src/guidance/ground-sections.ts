import { SECTION_KEYS, type DeepDiveItem, type DeepDiveSections, type SectionKey } from "./deep-dive-sections.js";
import { redactSecrets } from "./redact-secrets.js";

export interface Grounding {
  /** paths present in the assembled context */
  paths: string[];
  /** commands present in the repository's docs as assembled */
  commands: string[];
  /** links present in the repository's docs */
  urls: string[];
  /** links that are always fine: the repository on GitHub, this dashboard */
  trustedUrlPrefixes: string[];
}

export interface Removal {
  section: SectionKey;
  kind: "file" | "command" | "sentence" | "item";
  value: string;
  reason: string;
}

const INJECTION = [
  /\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:previous|prior|above|earlier|all|system|your)\b[^.!?\n]{0,20}\b(?:instructions?|prompts?|rules|directions)\b/i,
  /\b(?:system prompt|developer message|jailbreak)\b/i,
  /\byou are now\b/i,
  /\bnew instructions?\b/i,
  /‹\/?\w|<\/?\s*(?:untrusted|system|instructions?)\b/i,
];
const SHELL_WORD = /^(?:sudo\s+)?(?:npm|npx|yarn|pnpm|bun|node|make|cargo|go|python3?|pip3?|poetry|uv|tox|nox|pytest|bundle|rake|mvn|gradle|\.\/gradlew|dotnet|docker|curl|wget|bash|sh|git|just|deno|composer|mix|rustup|brew|apt(?:-get)?|chmod|rm)\b/;
const KNOWN_DIRS = /^(?:src|lib|libs|test|tests|spec|docs|doc|app|apps|packages|pkg|cmd|internal|scripts|tools|examples|crates|include|web|server|client|api|\.github)\//;
const CODE_EXT = /\.(?:ts|tsx|js|jsx|mjs|cjs|py|rb|go|rs|java|kt|swift|c|h|cc|cpp|hpp|cs|php|ex|exs|vue|svelte|md|rst|json|ya?ml|toml|cfg|ini|lock|sh|sql|html|css|scss|gradle|xml|txt)$/i;

const normalisePath = (p: string) => p.trim().replace(/^`|`$/g, "").replace(/^\.?\//, "").replace(/(?::\d+)+$/, "").replace(/#L\d+.*$/, "").replace(/\/$/, "");
const normaliseCommand = (c: string) => c.trim().replace(/^`|`$/g, "").replace(/^\$\s+/, "").replace(/\s+/g, " ");

export function createGrounder(grounding: Grounding) {
  const paths = new Set(grounding.paths.map(normalisePath));
  // A directory is known when a known path sits inside it.
  for (const p of [...paths]) for (let i = p.indexOf("/"); i > 0; i = p.indexOf("/", i + 1)) paths.add(p.slice(0, i));
  const basenames = new Set([...paths].map((p) => p.slice(p.lastIndexOf("/") + 1)));
  const commands = grounding.commands.map(normaliseCommand);

  const pathKnown = (raw: string) => {
    const p = normalisePath(raw);
    return paths.has(p) || (!p.includes("/") && basenames.has(p));
  };
  const commandKnown = (raw: string) => {
    const c = normaliseCommand(raw);
    if (!c) return false;
    return commands.some((known) => known === c || ` ${known} `.includes(` ${c} `));
  };
  const urlKnown = (url: string) =>
    grounding.trustedUrlPrefixes.some((prefix) => url === prefix || url.startsWith(`${prefix}/`)) || grounding.urls.some((u) => u === url || url.startsWith(u));

  /** Why a sentence must go, or null: an instruction from the issue, a link or file or command not in the context. */
  function sentenceProblem(sentence: string): string | null {
    if (INJECTION.some((p) => p.test(sentence))) return "reads like an instruction planted in the issue";
    for (const m of sentence.matchAll(/https?:\/\/[^\s)<>"'`\]]+/g)) if (!urlKnown(m[0].replace(/[.,;:]+$/, ""))) return `links to ${m[0]}, which is not in the repository's docs`;
    for (const m of sentence.matchAll(/`([^`\n]+)`/g)) {
      const code = m[1]!;
      if (SHELL_WORD.test(code) && code.includes(" ") && !commandKnown(code)) return `suggests the command "${code}", which is not in the docs`;
    }
    const withoutUrls = sentence.replace(/https?:\/\/\S+/g, " ");
    for (const m of withoutUrls.matchAll(/(?:^|[\s`'"(])((?:\.?\/)?[\w.@+-]+(?:\/[\w.@+-]+)*\/?)(?=$|[\s`'"),;:!?]|\.(?:\s|$))/g)) {
      const token = m[1]!.replace(/[.,]+$/, "");
      const looksLikePath = (token.includes("/") && (CODE_EXT.test(token) || token.endsWith("/") || KNOWN_DIRS.test(token.replace(/^\.?\//, "")))) || (!token.includes("/") && CODE_EXT.test(token) && /^[\w.-]+$/.test(token) && /[a-z]/i.test(token.replace(CODE_EXT, "")));
      // "Node.js", "Vue.js": libraries named like files are not paths.
      const libraryName = /^[A-Z][A-Za-z0-9]*\.js$/.test(token);
      if (looksLikePath && !libraryName && !/^\d+(\.\d+)+$/.test(token) && !pathKnown(token)) return `mentions ${token}, which is not in the repository context`;
    }
    return null;
  }

  function cleanText(text: string, section: SectionKey, removals: Removal[]): string {
    const sentences = redactSecrets(text).split(/(?<=[.!?])\s+(?=[A-Z0-9`"(*])|\n+/);
    const kept = sentences.filter((sentence) => {
      const problem = sentenceProblem(sentence);
      if (problem) removals.push({ section, kind: "sentence", value: sentence.slice(0, 200), reason: problem });
      return !problem;
    });
    return kept.join(" ").replace(/\s+/g, " ").trim();
  }

  /**
   * Keep only what the context supports: cited files and commands not in it are dropped, sentences
   * that mention them (or carry the planted instructions, unknown links, secrets) are cut.
   */
  function ground(sections: DeepDiveSections): { sections: DeepDiveSections; removals: Removal[] } {
    const removals: Removal[] = [];
    const out = {} as DeepDiveSections;
    for (const key of SECTION_KEYS) {
      const items: DeepDiveItem[] = [];
      for (const item of sections[key].items) {
        const files = item.files.map(normalisePath).filter((f) => {
          const ok = pathKnown(f);
          if (!ok) removals.push({ section: key, kind: "file", value: f, reason: "not in the repository context" });
          return ok;
        });
        const commands = item.commands.map(normaliseCommand).filter((c) => {
          const ok = commandKnown(c);
          if (!ok) removals.push({ section: key, kind: "command", value: c, reason: "not in the repository's docs" });
          return ok;
        });
        const text = cleanText(item.text, key, removals);
        if (!text) {
          removals.push({ section: key, kind: "item", value: item.text.slice(0, 200), reason: "nothing left after grounding" });
          continue;
        }
        items.push({ text, files: [...new Set(files)], commands: [...new Set(commands)] });
      }
      out[key] = { summary: cleanText(sections[key].summary, key, removals), items };
    }
    return { sections: out, removals };
  }

  return { ground, pathKnown, commandKnown };
}
