import { z } from "zod";
import catalogJson from "./skill-catalog.json" with { type: "json" };

export const ECOSYSTEMS = ["npm", "pypi", "go", "cargo", "rubygems", "maven", "gradle-plugin", "composer", "nuget", "hex", "pub"] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

const slug = z.string().regex(/^[a-z0-9][a-z0-9+#.-]*$/);
const catalogSchema = z.object({
  about: z.string(),
  frameworks: z.record(
    slug,
    z
      .object({
        name: z.string().min(1),
        category: z.enum(["framework", "library", "tool", "platform"]),
        domains: z.array(slug),
        packages: z.partialRecord(z.enum(ECOSYSTEMS), z.array(z.string().min(1))),
        files: z.array(z.string().min(1)).optional(),
      })
      .strict(),
  ),
  domains: z.record(slug, z.object({ name: z.string().min(1), topics: z.array(z.string()), keywords: z.array(z.string()) }).strict()),
  languages: z.object({ ignored: z.array(z.string()) }).strict(),
});

export type CatalogData = z.infer<typeof catalogSchema>;

/** Package names compared the way each registry compares them. */
export function normalizePackageName(ecosystem: Ecosystem, name: string): string {
  const lower = name.trim().toLowerCase();
  if (ecosystem === "pypi") return lower.replace(/[-_.]+/g, "-");
  if (ecosystem === "cargo") return lower.replace(/_/g, "-");
  return lower;
}

/** GitHub's language names as skill slugs: "C++" → "c++", "Jupyter Notebook" → "jupyter-notebook". */
export const toSkillSlug = (name: string) => name.trim().toLowerCase().replace(/\s+/g, "-");

export interface SkillCatalog {
  frameworkName(slug: string): string | undefined;
  domainName(slug: string): string | undefined;
  /** domains a framework implies */
  frameworkDomains(slug: string): string[];
  /** frameworks a dependency shows (a package may show several, e.g. a Spring Boot JPA starter) */
  frameworksForPackage(ecosystem: Ecosystem, name: string): string[];
  /** frameworks a file in the repository shows (a Dockerfile, a workflow) */
  frameworksForFile(path: string): string[];
  isIgnoredLanguage(name: string): boolean;
  domains: Array<{ slug: string; name: string; topics: Set<string>; keywords: Array<{ word: string; pattern: RegExp }> }>;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function createSkillCatalog(data: unknown = catalogJson): SkillCatalog {
  const catalog = catalogSchema.parse(data);
  const exact = new Map<string, string[]>();
  const prefixes: Array<{ ecosystem: Ecosystem; prefix: string; slug: string }> = [];
  const fileRules: Array<{ test: (path: string) => boolean; slug: string }> = [];
  const add = (key: string, value: string) => exact.set(key, [...(exact.get(key) ?? []), value]);

  for (const [frameworkSlug, framework] of Object.entries(catalog.frameworks)) {
    for (const [ecosystem, names] of Object.entries(framework.packages) as Array<[Ecosystem, string[]]>) {
      for (const name of names) {
        if (name.endsWith("*")) prefixes.push({ ecosystem, prefix: normalizePackageName(ecosystem, name.slice(0, -1)), slug: frameworkSlug });
        else add(`${ecosystem} ${normalizePackageName(ecosystem, name)}`, frameworkSlug);
      }
    }
    for (const pattern of framework.files ?? []) {
      let test: (path: string) => boolean;
      if (pattern.endsWith("/")) test = (path) => path.startsWith(pattern) || path.includes(`/${pattern}`);
      else if (pattern.startsWith("*.")) test = (path) => path.endsWith(pattern.slice(1));
      else if (pattern.includes("/")) test = (path) => path === pattern || path.endsWith(`/${pattern}`);
      else test = (path) => (path.split("/").pop() ?? "") === pattern;
      fileRules.push({ test, slug: frameworkSlug });
    }
  }

  const ignoredLanguages = new Set(catalog.languages.ignored.map((l) => l.toLowerCase()));
  return {
    frameworkName: (s) => catalog.frameworks[s]?.name,
    domainName: (s) => catalog.domains[s]?.name,
    frameworkDomains: (s) => catalog.frameworks[s]?.domains ?? [],
    frameworksForPackage(ecosystem, name) {
      const normalized = normalizePackageName(ecosystem, name);
      const found = new Set(exact.get(`${ecosystem} ${normalized}`) ?? []);
      for (const rule of prefixes) if (rule.ecosystem === ecosystem && normalized.startsWith(rule.prefix)) found.add(rule.slug);
      return [...found];
    },
    frameworksForFile: (path) => [...new Set(fileRules.filter((rule) => rule.test(path)).map((rule) => rule.slug))],
    isIgnoredLanguage: (name) => ignoredLanguages.has(name.toLowerCase()),
    domains: Object.entries(catalog.domains).map(([domainSlug, domain]) => ({
      slug: domainSlug,
      name: domain.name,
      topics: new Set(domain.topics),
      keywords: domain.keywords.map((word) => ({ word, pattern: new RegExp(`(^|[^a-z0-9])${escapeRegExp(word.toLowerCase())}`, "i") })),
    })),
  };
}
