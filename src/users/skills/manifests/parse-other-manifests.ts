import { parse as parseYaml } from "yaml";
import { isRecord, ManifestParseError, tableKeys, type Dependency, type ParsedManifest } from "./manifest-types.js";
import { parseTomlDocument } from "./parse-python-manifests.js";

/** go.mod: the require directives; `// indirect` ones count as development-only. */
export function parseGoMod(text: string): ParsedManifest {
  if (!/^\s*module\s+\S+/m.test(text)) throw new ManifestParseError("go.mod has no module directive");
  const dependencies: Dependency[] = [];
  const add = (line: string) => {
    const match = /^\s*([^\s/]+\.[^\s]+|[a-z0-9.-]+\/[^\s]+)\s+v[^\s]+(.*)$/.exec(line);
    if (match) dependencies.push({ name: match[1]!, dev: /\/\/\s*indirect/.test(match[2] ?? "") });
  };
  for (const block of text.matchAll(/^\s*require\s*\(([\s\S]*?)^\s*\)/gm)) block[1]!.split(/\r?\n/).forEach(add);
  for (const single of text.matchAll(/^\s*require\s+([^\s(].*)$/gm)) add(single[1]!);
  return { ecosystem: "go", dependencies };
}

/** Cargo.toml: every dependency table, including per-target and workspace ones; renamed crates by their real name. */
export function parseCargoToml(text: string): ParsedManifest {
  const doc = parseTomlDocument(text, "Cargo.toml");
  const dependencies: Dependency[] = [];
  const collect = (table: unknown, dev: boolean) => {
    if (!isRecord(table)) return;
    for (const [key, spec] of Object.entries(table)) {
      const name = isRecord(spec) && typeof spec.package === "string" ? spec.package : key;
      dependencies.push({ name, dev });
    }
  };
  const collectAll = (owner: Record<string, unknown>) => {
    collect(owner.dependencies, false);
    collect(owner["dev-dependencies"], true);
    collect(owner["build-dependencies"], true);
  };
  collectAll(doc);
  if (isRecord(doc.workspace)) collect(doc.workspace.dependencies, false);
  if (isRecord(doc.target)) for (const target of Object.values(doc.target)) if (isRecord(target)) collectAll(target);
  return { ecosystem: "cargo", dependencies };
}

/** Gemfile: `gem "name"` lines; those inside a development or test group are dev. */
export function parseGemfile(text: string): ParsedManifest {
  const dependencies: Dependency[] = [];
  const groups: boolean[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, "").trim();
    const group = /^group\s+(.+?)\s+do\b/.exec(line);
    if (group) {
      groups.push(/:(development|test)\b/.test(group[1]!) && !/:production\b/.test(group[1]!));
      continue;
    }
    if (/^(platforms?|source|install_if)\b.*\bdo\b/.test(line) || /\bdo(\s*\|[^|]*\|)?$/.test(line)) {
      groups.push(groups.at(-1) ?? false);
      continue;
    }
    if (line === "end") {
      groups.pop();
      continue;
    }
    const gem = /^gem\s+["']([A-Za-z0-9_.-]+)["'](.*)$/.exec(line);
    if (gem) dependencies.push({ name: gem[1]!, dev: (groups.at(-1) ?? false) || /group:\s*\[?\s*:(development|test)/.test(gem[2] ?? "") });
  }
  return { ecosystem: "rubygems", dependencies };
}

/** *.gemspec: add_dependency / add_runtime_dependency / add_development_dependency. */
export function parseGemspec(text: string): ParsedManifest {
  const dependencies = [...text.matchAll(/\.add_(runtime_|development_)?dependency[\s(]+["']([A-Za-z0-9_.-]+)["']/g)].map((m) => ({
    name: m[2]!,
    dev: m[1] === "development_",
  }));
  return { ecosystem: "rubygems", dependencies };
}

/** build.gradle / build.gradle.kts: group:artifact coordinates in dependency configurations, and plugin ids. */
export function parseGradle(text: string): ParsedManifest {
  const dependencies: Dependency[] = [];
  const configuration = /\b(implementation|api|compileOnly|runtimeOnly|annotationProcessor|kapt|ksp|classpath|testImplementation|testRuntimeOnly|testCompileOnly|androidTestImplementation|debugImplementation)\s*\(?\s*(?:platform\s*\(\s*)?["']([^"':\s]+):([^"':\s]+)(?::[^"']*)?["']/g;
  for (const m of text.matchAll(configuration)) {
    dependencies.push({ name: `${m[2]}:${m[3]}`, dev: /^(test|androidTest|debug)/.test(m[1]!) });
  }
  const plugins = /\bid\s*\(?\s*["']([A-Za-z0-9_.-]+)["']|apply\s+plugin:\s*["']([A-Za-z0-9_.-]+)["']/g;
  for (const m of text.matchAll(plugins)) dependencies.push({ name: (m[1] ?? m[2])!, dev: false, ecosystem: "gradle-plugin" });
  return { ecosystem: "maven", dependencies };
}

/** mix.exs: `{:name, ...}` tuples in deps; `only: :test` / `only: [:dev, :test]` are dev. */
export function parseMixExs(text: string): ParsedManifest {
  const deps = /defp?\s+deps\b[\s\S]*?\[([\s\S]*?)\]\s*end/.exec(text)?.[1] ?? text;
  const dependencies = [...deps.matchAll(/\{\s*:([a-z_][a-z0-9_]*)\s*,([^}]*)\}/g)].map((m) => ({
    name: m[1]!,
    dev: /only:\s*(\[\s*)?:(dev|test)\b/.test(m[2] ?? "") && !/:prod\b/.test(m[2] ?? ""),
  }));
  return { ecosystem: "hex", dependencies };
}

/** pubspec.yaml: dependencies and dev_dependencies; an `sdk: flutter` entry names Flutter itself. */
export function parsePubspec(text: string): ParsedManifest {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new ManifestParseError(`pubspec.yaml is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  if (!isRecord(doc)) throw new ManifestParseError("pubspec.yaml is not a YAML mapping");
  const entries = (table: unknown, dev: boolean): Dependency[] =>
    tableKeys(table).map((name) => {
      const spec = (table as Record<string, unknown>)[name];
      return { name: isRecord(spec) && typeof spec.sdk === "string" ? spec.sdk : name, dev };
    });
  return { ecosystem: "pub", dependencies: [...entries(doc.dependencies, false), ...entries(doc.dev_dependencies, true)] };
}
