import { parse as parseToml } from "smol-toml";
import { isRecord, ManifestParseError, tableKeys, type Dependency, type ParsedManifest } from "./manifest-types.js";

/** The distribution name at the start of a PEP 508 requirement ("Django[argon2]>=4.2; python_version>'3'"). */
function requirementName(requirement: string): string | undefined {
  const egg = /#egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement);
  if (egg) return egg[1];
  if (/^[a-z+]+:\/\//i.test(requirement)) return undefined;
  return /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement)?.[1];
}

const fromRequirements = (list: unknown, dev: boolean): Dependency[] =>
  (Array.isArray(list) ? list : []).flatMap((item) => {
    const name = typeof item === "string" ? requirementName(item) : undefined;
    return name ? [{ name, dev }] : [];
  });

export function parseTomlDocument(text: string, what: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new ManifestParseError(`${what} is not valid TOML: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** pyproject.toml: PEP 621 dependencies and extras, PEP 735 groups, and Poetry's tables. */
export function parsePyproject(text: string): ParsedManifest {
  const doc = parseTomlDocument(text, "pyproject.toml");
  const project = isRecord(doc.project) ? doc.project : {};
  const tool = isRecord(doc.tool) ? doc.tool : {};
  const poetry = isRecord(tool.poetry) ? tool.poetry : {};
  const dependencies: Dependency[] = [...fromRequirements(project.dependencies, false)];
  if (isRecord(project["optional-dependencies"])) {
    for (const list of Object.values(project["optional-dependencies"])) dependencies.push(...fromRequirements(list, true));
  }
  if (isRecord(doc["dependency-groups"])) {
    for (const list of Object.values(doc["dependency-groups"])) dependencies.push(...fromRequirements(list, true));
  }
  const poetryNames = (table: unknown, dev: boolean) =>
    tableKeys(table)
      .filter((name) => name.toLowerCase() !== "python")
      .map((name) => ({ name, dev }));
  dependencies.push(...poetryNames(poetry.dependencies, false), ...poetryNames(poetry["dev-dependencies"], true));
  if (isRecord(poetry.group)) {
    for (const group of Object.values(poetry.group)) if (isRecord(group)) dependencies.push(...poetryNames(group.dependencies, true));
  }
  return { ecosystem: "pypi", dependencies };
}

/** Pipfile (TOML): [packages] and [dev-packages]. */
export function parsePipfile(text: string): ParsedManifest {
  const doc = parseTomlDocument(text, "Pipfile");
  return {
    ecosystem: "pypi",
    dependencies: [...tableKeys(doc.packages).map((name) => ({ name, dev: false })), ...tableKeys(doc["dev-packages"]).map((name) => ({ name, dev: true }))],
  };
}

/** requirements*.txt: one requirement a line; options (-r, -e, --hash) and comments skipped. */
export function parseRequirementsTxt(text: string, path: string): ParsedManifest {
  const dev = /(dev|test|lint|doc)/i.test(path.split("/").pop() ?? "");
  const dependencies: Dependency[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (!line || line.startsWith("#")) continue;
    if (line.startsWith("-")) {
      const editable = /^(-e|--editable)\s+(.+)$/.exec(line);
      const name = editable?.[2] ? requirementName(editable[2]) : undefined;
      if (name && editable?.[2]?.includes("#egg=")) dependencies.push({ name, dev });
      continue;
    }
    const name = requirementName(line);
    if (name) dependencies.push({ name, dev });
  }
  return { ecosystem: "pypi", dependencies };
}

/** setup.cfg: [options] install_requires / tests_require and [options.extras_require], INI continuation lines. */
export function parseSetupCfg(text: string): ParsedManifest {
  const dependencies: Dependency[] = [];
  let section = "";
  let key: string | null = null;
  let dev = false;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === "") continue;
    const header = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (header) {
      section = header[1]!.trim();
      key = null;
      continue;
    }
    const entry = /^([A-Za-z0-9_.-]+)\s*[=:]\s*(.*)$/.exec(raw);
    if (entry && !/^\s/.test(raw)) {
      key = entry[1]!;
      const collects =
        (section === "options" && (key === "install_requires" || key === "tests_require")) || section === "options.extras_require";
      dev = section === "options.extras_require" || key === "tests_require";
      if (!collects) key = null;
      else if (entry[2]) dependencies.push(...fromRequirements(entry[2].split(/[,;]\s*(?=[A-Za-z])/), dev));
      continue;
    }
    if (key && /^\s/.test(raw)) dependencies.push(...fromRequirements([raw.trim()], dev));
  }
  return { ecosystem: "pypi", dependencies };
}

/** setup.py is code; only the literal lists in install_requires / tests_require / extras_require are read. */
export function parseSetupPy(text: string): ParsedManifest {
  const dependencies: Dependency[] = [];
  for (const match of text.matchAll(/(install_requires|tests_require)\s*=\s*\[([^\]]*)\]/g)) {
    const strings = [...match[2]!.matchAll(/["']([^"']+)["']/g)].map((m) => m[1]!);
    dependencies.push(...fromRequirements(strings, match[1] === "tests_require"));
  }
  const extras = /extras_require\s*=\s*\{([\s\S]*?)\}/.exec(text);
  if (extras) {
    for (const list of extras[1]!.matchAll(/\[([^\]]*)\]/g)) {
      dependencies.push(...fromRequirements([...list[1]!.matchAll(/["']([^"']+)["']/g)].map((m) => m[1]!), true));
    }
  }
  return { ecosystem: "pypi", dependencies };
}
