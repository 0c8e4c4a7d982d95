/**
 * A README or CONTRIBUTING read as headings, prose and code blocks: enough structure to find
 * commands under "Development" or "Running tests" without rendering anything. Markdown and
 * reStructuredText, the two formats these files come in.
 */
export interface DocBlock {
  /** headings from the outermost to the one this block sits under */
  headings: string[];
  kind: "code" | "text";
  /** the fence's info string (```bash → "bash"), empty when absent */
  lang: string;
  text: string;
}

export interface ParsedDoc {
  path: string;
  blocks: DocBlock[];
  /** relative link targets as written (`docs/dev.md`, `./TESTING.md#run`) */
  links: string[];
}

const RST_UNDERLINE = /^([=\-~^"'`#*+])\1{2,}\s*$/;

export function parseDoc(path: string, text: string): ParsedDoc {
  return /\.rst$/i.test(path) ? parseRst(path, text) : parseMarkdown(path, text);
}

function parseMarkdown(path: string, source: string): ParsedDoc {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: DocBlock[] = [];
  const stack: Array<{ level: number; title: string }> = [];
  let prose: string[] = [];
  const headings = () => stack.map((h) => h.title);
  const flush = () => {
    const text = prose.join("\n").trim();
    if (text) blocks.push({ headings: headings(), kind: "text", lang: "", text });
    prose = [];
  };
  const enter = (level: number, title: string) => {
    flush();
    while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
    stack.push({ level, title: stripInline(title) });
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s{0,3}(`{3,}|~{3,})\s*([\w+.#-]*)/.exec(line);
    if (fence) {
      flush();
      const marker = fence[1]!;
      const code: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(marker)) code.push(lines[i++]!);
      blocks.push({ headings: headings(), kind: "code", lang: fence[2]!.toLowerCase(), text: code.join("\n") });
      continue;
    }
    // An indented code block: four spaces after a blank line, where no list item could continue.
    const previous = prose.filter((l) => l.trim()).at(-1) ?? "";
    if (/^( {4}|\t)\S/.test(line) && (i === 0 || !lines[i - 1]!.trim()) && !/^\s*(?:[-*+]|\d+[.)])\s/.test(previous) && !/^\s{2,}/.test(previous)) {
      flush();
      const code: string[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]!) || (!lines[i]!.trim() && /^( {4}|\t)\S/.test(lines[i + 1] ?? "")))) code.push(lines[i++]!.replace(/^( {4}|\t)/, ""));
      i--;
      blocks.push({ headings: headings(), kind: "code", lang: "", text: code.join("\n") });
      continue;
    }
    const atx = /^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (atx) {
      enter(atx[1]!.length, atx[2]!);
      continue;
    }
    const next = lines[i + 1];
    if (next !== undefined && line.trim() && !/^\s*[-*+>|]/.test(line) && /^\s{0,3}(=+|-+)\s*$/.test(next) && (i === 0 || !lines[i - 1]!.trim())) {
      enter(next.trim().startsWith("=") ? 1 : 2, line.trim());
      i++;
      continue;
    }
    const html = /^\s*<h([1-6])[^>]*>(.*?)<\/h\1>\s*$/i.exec(line);
    if (html) {
      enter(Number(html[1]), html[2]!.replace(/<[^>]+>/g, ""));
      continue;
    }
    prose.push(line);
  }
  flush();
  return { path, blocks, links: extractLinks(source, /\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g) };
}

function parseRst(path: string, source: string): ParsedDoc {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: DocBlock[] = [];
  const levels: string[] = [];
  const stack: string[] = [];
  let prose: string[] = [];
  const flush = () => {
    const text = prose.join("\n").trim();
    if (text) blocks.push({ headings: [...stack], kind: "text", lang: "", text });
    prose = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1];
    // Over-and-under titles: the same underline above and below.
    if (RST_UNDERLINE.test(line) && next?.trim() && lines[i + 2] !== undefined && RST_UNDERLINE.test(lines[i + 2]!)) {
      flush();
      setLevel(`${line[0]}${line[0]}`, next.trim());
      i += 2;
      continue;
    }
    if (line.trim() && next !== undefined && RST_UNDERLINE.test(next) && next.trim().length >= line.trim().length - 2) {
      flush();
      setLevel(next[0]!, line.trim());
      i++;
      continue;
    }
    const directive = /^\s*\.\. (?:code-block|code|sourcecode)::\s*(\S*)/.exec(line);
    const literal = !directive && /::\s*$/.test(line);
    if (directive || literal) {
      if (literal) prose.push(line.replace(/::\s*$/, ":"));
      flush();
      const code: string[] = [];
      let j = i + 1;
      while (j < lines.length && (lines[j]!.trim() === "" || /^\s+\S/.test(lines[j]!))) {
        if (!/^\s+:\w+:/.test(lines[j]!) || code.length > 0) code.push(lines[j]!);
        j++;
      }
      const text = dedent(code).trim();
      if (text) blocks.push({ headings: [...stack], kind: "code", lang: directive ? directive[1]!.toLowerCase() : "", text });
      i = j - 1;
      continue;
    }
    prose.push(line);
  }
  flush();
  return { path, blocks, links: extractLinks(source, /`[^`<]*<([^>`]+)>`_/g) };

  function setLevel(style: string, title: string) {
    let level = levels.indexOf(style);
    if (level < 0) {
      levels.push(style);
      level = levels.length - 1;
    }
    stack.length = Math.min(stack.length, level);
    stack.push(stripInline(title));
  }
}

function dedent(lines: string[]): string {
  const indents = lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n");
}

function extractLinks(source: string, pattern: RegExp): string[] {
  const links = new Set<string>();
  for (const match of source.matchAll(pattern)) {
    const target = match[1]!.trim();
    if (/^(?:[a-z][a-z0-9+.-]*:|#|\/\/)/i.test(target)) continue;
    links.add(target);
  }
  return [...links];
}

/** Markdown emphasis, links and code spans reduced to their text. */
export function stripInline(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`_?/g, "$1")
    .replace(/(\*\*|__|\*|_)(\S(?:.*?\S)?)\1/g, "$2")
    .replace(/<[^>]+>/g, "")
    .replace(/\s+/g, " ")
    .trim();
}
