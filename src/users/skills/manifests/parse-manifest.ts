import { parseComposerJson, parsePackageJson } from "./parse-json-manifests.js";
import { parseGemfile, parseGemspec, parseGoMod, parseCargoToml, parseGradle, parseMixExs, parsePubspec } from "./parse-other-manifests.js";
import { parsePipfile, parsePyproject, parseRequirementsTxt, parseSetupCfg, parseSetupPy } from "./parse-python-manifests.js";
import { parseCsproj, parsePomXml } from "./parse-xml-manifests.js";
import type { ParsedManifest } from "./manifest-types.js";

type Parser = (text: string, path: string) => ParsedManifest;

const byName: Record<string, Parser> = {
  "package.json": parsePackageJson,
  "composer.json": parseComposerJson,
  "pyproject.toml": parsePyproject,
  Pipfile: parsePipfile,
  "setup.cfg": parseSetupCfg,
  "setup.py": parseSetupPy,
  "go.mod": parseGoMod,
  "Cargo.toml": parseCargoToml,
  Gemfile: parseGemfile,
  "pom.xml": parsePomXml,
  "build.gradle": parseGradle,
  "build.gradle.kts": parseGradle,
  "mix.exs": parseMixExs,
  "pubspec.yaml": parsePubspec,
};

// Vendored code, build output and test data describe someone else's project, not this one.
const IGNORED_DIRECTORIES = /(^|\/)(node_modules|vendor|third_party|bower_components|dist|build|target|out|\.git|__fixtures__|fixtures|testdata|test-data)\//;

/** The parser for a manifest path, or null when the file is not a manifest we read. */
export function manifestParser(path: string): Parser | null {
  if (IGNORED_DIRECTORIES.test(path)) return null;
  const name = path.split("/").pop() ?? "";
  const known = byName[name];
  if (known) return known;
  if (/^requirements([-_.][\w.-]+)?\.txt$/.test(name) || /(^|\/)requirements\/[\w.-]+\.txt$/.test(path)) return parseRequirementsTxt;
  if (name.endsWith(".gemspec")) return parseGemspec;
  if (/\.(cs|fs|vb)proj$/.test(name)) return parseCsproj;
  return null;
}
