/** The skill radar, as docs/growth.md writes it down. Pure: no database here. */
import { toSkillSlug } from "../users/index.js";

export type RadarKind = "language" | "framework" | "topic" | "work_kind";

export interface RadarScore {
  skill: string;
  kind: RadarKind;
  /** 0–1, two decimals */
  score: number;
}

export interface RadarProfileSkill {
  skill: string;
  kind: RadarKind;
  /** 0–1 */
  level: number;
}

export interface RadarContribution {
  skillTags: string[];
  languages: Record<string, number>;
  /** kinds of work of the indexed issues it closed (bug, feature, docs, …) */
  workKinds: string[];
}

export const RADAR = {
  profileWeight: 0.4,
  evidenceWeight: 0.6,
  /** evidence = 1 − decay^n for n merged PRs showing the skill */
  evidenceDecay: 0.7,
  maxSkills: 24,
} as const;

/** Path tags that name a kind of work rather than a technology. */
const WORK_KIND_TAGS: Record<string, string> = { docs: "docs", testing: "tests" };

const round2 = (n: number) => Math.round(n * 100) / 100;

export function computeRadar(profile: RadarProfileSkill[], contributions: RadarContribution[]): RadarScore[] {
  const kinds = new Map<string, RadarKind>();
  const evidence = new Map<string, number>();
  const profileLevel = new Map<string, number>();
  for (const s of profile) {
    profileLevel.set(s.skill, Math.max(0, Math.min(1, s.level)));
    kinds.set(s.skill, s.kind);
  }
  for (const c of contributions) {
    const shown = new Map<string, RadarKind>();
    const languageSlugs = new Set(Object.keys(c.languages).map(toSkillSlug));
    for (const tag of c.skillTags) {
      if (WORK_KIND_TAGS[tag]) shown.set(WORK_KIND_TAGS[tag], "work_kind");
      else shown.set(tag, languageSlugs.has(tag) ? "language" : "framework");
    }
    for (const slug of languageSlugs) shown.set(slug, "language");
    for (const kind of c.workKinds) shown.set(kind, "work_kind");
    for (const [skill, kind] of shown) {
      evidence.set(skill, (evidence.get(skill) ?? 0) + 1);
      if (!kinds.has(skill)) kinds.set(skill, kind);
    }
  }
  const scores: RadarScore[] = [];
  for (const [skill, kind] of kinds) {
    const n = evidence.get(skill) ?? 0;
    const fromEvidence = 1 - RADAR.evidenceDecay ** n;
    const score = round2(Math.min(1, RADAR.profileWeight * (profileLevel.get(skill) ?? 0) + RADAR.evidenceWeight * fromEvidence));
    if (score > 0) scores.push({ skill, kind, score });
  }
  return scores.sort((a, b) => b.score - a.score || a.skill.localeCompare(b.skill)).slice(0, RADAR.maxSkills);
}

/** Same skills and scores, whatever the order. */
export function sameRadar(a: RadarScore[], b: RadarScore[]): boolean {
  if (a.length !== b.length) return false;
  const byName = new Map(b.map((s) => [s.skill, s]));
  return a.every((s) => byName.get(s.skill)?.score === s.score && byName.get(s.skill)?.kind === s.kind);
}
