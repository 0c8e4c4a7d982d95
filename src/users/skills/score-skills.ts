import type { RepoSnapshot } from "./collect-repos.js";
import { toSkillSlug, type SkillCatalog } from "./skill-catalog.js";

export type SkillKind = "language" | "framework" | "topic";

/** Why we believe a skill: one entry per repository, shown to the user next to the skill. */
export interface SkillEvidence {
  repo: string;
  /** manifests or files that show it */
  files?: string[];
  /** the dependencies that matched */
  packages?: string[];
  /** share of the repository's code in this language, 0–1 */
  share?: number;
  bytes?: number;
  topics?: string[];
  keywords?: string[];
  frameworks?: string[];
  contributed?: boolean;
}

export interface InferredSkill {
  skill: string;
  kind: SkillKind;
  label: string;
  /** 0–1 */
  level: number;
  evidence: SkillEvidence[];
}

const YEAR_MS = 365 * 24 * 3600_000;
const MAX_EVIDENCE = 10;
const MIN_LEVEL = 0.1;

/**
 * How much one repository says about the person: their own repositories count fully, ones they
 * only contributed to half; the weight halves for every year since the last activity (floor 0.15).
 */
export function repoWeight(repo: RepoSnapshot, now: Date): number {
  const ageYears = Math.max(0, now.getTime() - repo.activityAt.getTime()) / YEAR_MS;
  return (repo.owned ? 1 : 0.5) * Math.max(0.15, 0.5 ** ageYears);
}

/** Saturating: one strong repository gives ~0.6–0.7, several push towards 1. */
const saturate = (score: number, rate: number) => Math.round((1 - Math.exp(-rate * score)) * 100) / 100;

interface Tally {
  kind: SkillKind;
  label: string;
  score: number;
  evidence: Array<SkillEvidence & { weight: number }>;
}

export function scoreSkills(repos: RepoSnapshot[], catalog: SkillCatalog, now: Date): InferredSkill[] {
  const tallies = new Map<string, Tally>();
  const credit = (skill: string, kind: SkillKind, label: string, weight: number, evidence: SkillEvidence) => {
    const tally = tallies.get(skill) ?? { kind, label, score: 0, evidence: [] };
    // GitHub counts Svelte and Vue files as languages of the same name: one skill, known as the framework.
    if (tally.kind !== kind && kind === "framework") Object.assign(tally, { kind, label });
    tally.score += weight;
    tally.evidence.push({ ...evidence, weight });
    tallies.set(skill, tally);
  };

  for (const repo of repos) {
    const weight = repoWeight(repo, now);
    const contributed = repo.owned ? undefined : true;

    // Languages, by bytes: the share of the repository's code, scaled down for tiny repositories.
    const counted = Object.entries(repo.languages).filter(([name, bytes]) => bytes > 0 && !catalog.isIgnoredLanguage(name));
    const total = counted.reduce((sum, [, bytes]) => sum + bytes, 0);
    const sizeFactor = Math.min(1, Math.log10(1 + total) / 5);
    for (const [name, bytes] of counted) {
      const share = bytes / total;
      if (share < 0.02 && bytes < 5_000) continue;
      credit(toSkillSlug(name), "language", name, share * weight * sizeFactor, { repo: repo.fullName, bytes, share: Math.round(share * 100) / 100, contributed });
    }

    // Frameworks and tools, from manifests and tell-tale files: a runtime dependency counts fully, a dev one 0.6.
    const found = new Map<string, { files: Set<string>; packages: Set<string>; dev: boolean }>();
    const note = (slug: string, file: string, dev: boolean, pkg?: string) => {
      const entry = found.get(slug) ?? { files: new Set<string>(), packages: new Set<string>(), dev: true };
      entry.files.add(file);
      if (pkg) entry.packages.add(pkg);
      entry.dev &&= dev;
      found.set(slug, entry);
    };
    for (const manifest of repo.manifests) {
      for (const dependency of manifest.dependencies) {
        for (const slug of catalog.frameworksForPackage(dependency.ecosystem ?? manifest.ecosystem, dependency.name)) {
          note(slug, manifest.path, dependency.dev, dependency.name);
        }
      }
    }
    for (const file of repo.files) for (const slug of catalog.frameworksForFile(file)) note(slug, file, false);
    for (const [slug, entry] of found) {
      credit(slug, "framework", catalog.frameworkName(slug) ?? slug, weight * (entry.dev ? 0.6 : 1), {
        repo: repo.fullName,
        files: [...entry.files].slice(0, 5),
        ...(entry.packages.size > 0 ? { packages: [...entry.packages].slice(0, 5) } : {}),
      });
    }

    // Domains: a topic is the owner's own label (1), a word in the description less so (0.6), a framework's usual domain least (0.4).
    const topics = new Set(repo.topics.map((t) => t.toLowerCase()));
    const description = repo.description ?? "";
    for (const domain of catalog.domains) {
      const byTopic = [...topics].filter((t) => domain.topics.has(t));
      const byKeyword = domain.keywords.filter((k) => k.pattern.test(description)).map((k) => k.word);
      const byFramework = [...found.keys()].filter((f) => catalog.frameworkDomains(f).includes(domain.slug));
      const sourceWeight = byTopic.length > 0 ? 1 : byKeyword.length > 0 ? 0.6 : byFramework.length > 0 ? 0.4 : 0;
      if (sourceWeight === 0) continue;
      credit(domain.slug, "topic", domain.name, weight * sourceWeight, {
        repo: repo.fullName,
        ...(byTopic.length > 0 ? { topics: byTopic } : {}),
        ...(byKeyword.length > 0 ? { keywords: byKeyword } : {}),
        ...(byFramework.length > 0 ? { frameworks: byFramework.slice(0, 5) } : {}),
      });
    }
  }

  const rates: Record<SkillKind, number> = { language: 1.2, framework: 1, topic: 1 };
  return [...tallies]
    .map(([skill, tally]) => ({
      skill,
      kind: tally.kind,
      label: tally.label,
      level: saturate(tally.score, rates[tally.kind]),
      evidence: tally.evidence
        .sort((a, b) => b.weight - a.weight)
        .slice(0, MAX_EVIDENCE)
        .map(({ weight: _weight, ...evidence }) => evidence),
    }))
    .filter((skill) => skill.level >= MIN_LEVEL)
    .sort((a, b) => b.level - a.level || a.skill.localeCompare(b.skill));
}
