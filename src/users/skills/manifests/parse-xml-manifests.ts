import { XMLParser, XMLValidator } from "fast-xml-parser";
import { isRecord, ManifestParseError, type Dependency, type ParsedManifest } from "./manifest-types.js";

// Entities off: a manifest never needs them, and expanding them is how XML bombs work.
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", processEntities: false, parseTagValue: false });

function parseXml(text: string, what: string): Record<string, unknown> {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new ManifestParseError(`${what} is not valid XML: ${valid.err.msg} (line ${valid.err.line})`);
  const doc: unknown = parser.parse(text);
  if (!isRecord(doc)) throw new ManifestParseError(`${what} has no root element`);
  return doc;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const text = (value: unknown): string | undefined => (typeof value === "string" ? value.trim() : undefined);

function coordinates(list: unknown, devIf: (item: Record<string, unknown>) => boolean): Dependency[] {
  return asList(list).flatMap((item) => {
    if (!isRecord(item)) return [];
    const group = text(item.groupId);
    const artifact = text(item.artifactId);
    return artifact ? [{ name: `${group ?? "org.apache.maven.plugins"}:${artifact}`, dev: devIf(item) }] : [];
  });
}

/** pom.xml: the parent, dependencies (test scope is dev), managed dependencies and build plugins. */
export function parsePomXml(source: string): ParsedManifest {
  const doc = parseXml(source, "pom.xml");
  const project = doc.project;
  if (!isRecord(project)) throw new ManifestParseError("pom.xml has no <project> element");
  const section = (value: unknown, key: string) => (isRecord(value) ? value[key] : undefined);
  const isTest = (item: Record<string, unknown>) => text(item.scope) === "test";
  return {
    ecosystem: "maven",
    dependencies: [
      ...coordinates(project.parent, () => false),
      ...coordinates(section(project.dependencies, "dependency"), isTest),
      ...coordinates(section(section(project.dependencyManagement, "dependencies"), "dependency"), isTest),
      ...coordinates(section(section(project.build, "plugins"), "plugin"), () => true),
    ],
  };
}

/** *.csproj / *.fsproj: PackageReference items, and the project SDK (Microsoft.NET.Sdk.Web means ASP.NET Core). */
export function parseCsproj(source: string, path: string): ParsedManifest {
  const doc = parseXml(source, path.split("/").pop() ?? "project file");
  const project = doc.Project;
  if (!isRecord(project)) throw new ManifestParseError(`${path} has no <Project> element`);
  const dependencies: Dependency[] = [];
  const sdk = text(project["@Sdk"]);
  if (sdk) dependencies.push({ name: `sdk:${sdk}`, dev: false });
  const isTestProject = /tests?\.(c|f|vb)sproj$/i.test(path);
  for (const group of asList(project.ItemGroup)) {
    if (!isRecord(group)) continue;
    for (const reference of asList(group.PackageReference)) {
      const name = isRecord(reference) ? text(reference["@Include"]) : undefined;
      if (name) dependencies.push({ name, dev: isTestProject });
    }
  }
  return { ecosystem: "nuget", dependencies };
}
