import type { ParsedDoc } from "./parse-doc.js";

export type CommandKind = "setup" | "build" | "test" | "lint" | "run" | "other";

export interface DocCommand {
  command: string;
  kind: CommandKind;
  /** the doc it came from */
  source: string;
  headings: string[];
  /** higher is a better pick for "the" command of its kind */
  score: number;
}

const SHELL_LANGS = new Set(["", "sh", "bash", "shell", "console", "zsh", "shell-session", "shellsession", "bash-session", "terminal", "cmd", "powershell", "ps1", "pwsh", "fish", "text"]);

/** First words that make a line, or an inline code span, read as a command. */
const TOOLS = new Set(
  ("npm npx yarn pnpm bun node deno corepack nvm make cmake ctest meson ninja bazel just cargo rustup go python python3 py pip pip3 pipx " +
    "poetry uv pdm hatch tox nox pytest conda mamba virtualenv bundle bundler rake rails gem ruby rspec mvn gradle dotnet docker " +
    "docker-compose podman composer php phpunit mix elixir sbt git gh pre-commit ruff black flake8 mypy isort eslint prettier tsc jest " +
    "vitest mocha playwright swift xcodebuild flutter dart lein clj stack cabal ghc zig source export cd cp mkdir sudo brew apt apt-get " +
    "task scripts/bootstrap").split(" "),
);

const PENALISED_INSTALL = /^(?:sudo\s+)?(?:pip3?|pipx|npm|yarn|pnpm|gem|cargo|go|brew|apt(?:-get)?|conda|bun)\s+(?:install|add|get|i)\s+(?!-e\b|-r\b|--editable|--requirement|\.|-D\b|--save-dev)[@A-Za-z]/;

export function classifyCommand(command: string, headings: string[]): CommandKind {
  const c = command.toLowerCase();
  const h = headings.join(" ").toLowerCase();
  if (/\b(test|tests|pytest|tox|nox|jest|vitest|mocha|ctest|rspec|phpunit|coverage)\b/.test(c) && !/\b(install|add|sync)\b/.test(c)) return "test";
  if (/\b(lint|fmt|format|clippy|ruff|flake8|black|isort|eslint|prettier|pre-commit|mypy|typecheck|vet|check)\b/.test(c) && !/\binstall\b/.test(c)) return "lint";
  if (/\b(build|compile|dist|bundle|package)\b/.test(c) && !/\binstall\b/.test(c)) return "build";
  if (/\b(install|clone|ci|sync|bootstrap|setup|venv|virtualenv|init|download|develop|deps)\b/.test(c) || /^(source|\.|cd)\s/.test(c)) return "setup";
  if (/^make(\s+all)?$/.test(c)) return "build";
  if (/\b(start|serve|run|dev|watch)\b/.test(c)) return "run";
  if (/test/.test(h)) return "test";
  if (/build|compil/.test(h)) return "build";
  if (/lint|format|style/.test(h)) return "lint";
  if (/install|setup|set up|getting started|develop|environment|prerequisite|quick ?start|hacking/.test(h)) return "setup";
  return "other";
}

function score(command: string, headings: string[], sourceWeight: number): number {
  const h = headings.join(" ").toLowerCase();
  let s = sourceWeight;
  if (/develop|contribut|hacking|local|from source|working on|setting up|dev environment/.test(h)) s += 2;
  if (/\b(usage|example|api)\b/.test(h)) s -= 2;
  if (PENALISED_INSTALL.test(command)) s -= 3;
  if (/^git\s+clone\b/.test(command)) s -= 1;
  if (/^(cd|source|export|mkdir|cp)\s/.test(command)) s -= 5;
  return s;
}

function normalise(line: string): string {
  return line.replace(/\s+#\s.*$/, "").replace(/\s+/g, " ").trim();
}

function firstWord(command: string): string {
  const words = command.replace(/^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+/, "").replace(/^sudo\s+/, "").split(" ");
  return (words[0] ?? "").replace(/^\.\//, "");
}

const looksLikeCommand = (command: string, strict: boolean) => {
  const word = firstWord(command);
  if (!word || !/^[\w./@-]/.test(word)) return false;
  if (TOOLS.has(word) || /^\.\/[\w./-]+$/.test(command.split(" ")[0] ?? "") || /^(scripts|bin|tools)\//.test(word)) return true;
  return !strict && /^[a-z][\w.-]*$/.test(word) && command.length < 200 && !/[{};]$/.test(command);
};

function commandsInCode(text: string, lang: string): string[] {
  const joined = text.replace(/\\\n\s*/g, " ").split("\n");
  const prompted = joined.some((l) => /^\s*[$%>]\s/.test(l));
  const out: string[] = [];
  for (const raw of joined) {
    const promptMatch = /^\s*[$%>]\s+(.*)$/.exec(raw);
    if (prompted && !promptMatch) continue;
    const line = normalise(promptMatch ? promptMatch[1]! : raw);
    if (!line || line.startsWith("#") || line.startsWith("//") || /^rem\s/i.test(line)) continue;
    // Blocks without a shell language are often output or trees: only lines that start with a known tool count.
    if (looksLikeCommand(line, lang === "" || lang === "text" ? !prompted : false)) out.push(line);
  }
  return out;
}

/** Commands in a doc's shell code blocks and in inline code spans that start with a known tool. */
export function extractCommands(doc: ParsedDoc, sourceWeight: number): DocCommand[] {
  const found: DocCommand[] = [];
  const add = (command: string, headings: string[]) => {
    found.push({ command, kind: classifyCommand(command, headings), source: doc.path, headings, score: score(command, headings, sourceWeight) });
  };
  for (const block of doc.blocks) {
    if (block.kind === "code") {
      if (!SHELL_LANGS.has(block.lang)) continue;
      for (const command of commandsInCode(block.text, block.lang)) add(command, block.headings);
      continue;
    }
    // `code` in Markdown, ``code`` in reStructuredText.
    for (const match of block.text.matchAll(/(?<!`)(`{1,2})([^`\n]{2,160})\1(?!`)/g)) {
      const command = normalise(match[2]!.replace(/^\$\s+/, ""));
      if (command.includes(" ") || /^(make|pytest|tox|nox|just)$/.test(command)) {
        if (TOOLS.has(firstWord(command)) && !/^(cd|source|export|sudo)$/.test(firstWord(command))) add(command, block.headings);
      }
    }
  }
  return found;
}

/** Best first: higher score, then earlier in the docs; one entry per command. */
export function rankCommands(commands: DocCommand[], kind: CommandKind): DocCommand[] {
  const seen = new Set<string>();
  return commands
    .map((c, index) => ({ c, index }))
    .filter(({ c }) => c.kind === kind && c.score > -2 && !/^cd\s/.test(c.command))
    .sort((a, b) => b.c.score - a.c.score || a.index - b.index)
    .map(({ c }) => c)
    .filter((c) => (seen.has(c.command) ? false : (seen.add(c.command), true)));
}
