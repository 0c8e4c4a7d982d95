export type WorkKind = "docs" | "bug" | "feature" | "tests" | "refactor" | "design";
export type Difficulty = "beginner" | "intermediate" | "advanced";

export interface IssueText {
  title: string;
  body: string | null;
  labels: string[];
  /** GitHub linguist bytes per language, e.g. { TypeScript: 81000 } */
  repoLanguages: Record<string, number>;
  repoTopics: string[];
}

export interface DerivedSkill {
  skill: string;
  kind: "language" | "framework" | "topic" | "work_kind";
  weight: number;
}

export interface IssueFacts {
  skills: DerivedSkill[];
  difficulty: Difficulty;
  /** 1 for a short, focused issue; 0 for a long one touching many files */
  smallness: number;
  notReady: boolean;
  notReadyReason: string | null;
  workKind: WorkKind | null;
  keywords: string[];
}

const EXTENSIONS: Record<string, string> = {
  ts: "typescript", tsx: "typescript", js: "javascript", jsx: "javascript", mjs: "javascript", cjs: "javascript",
  py: "python", rs: "rust", go: "go", rb: "ruby", java: "java", kt: "kotlin", swift: "swift", c: "c", h: "c",
  cpp: "c++", cc: "c++", hpp: "c++", cs: "c#", php: "php", svelte: "svelte", vue: "vue", css: "css", scss: "css",
  html: "html", md: "markdown", sh: "shell", ex: "elixir", exs: "elixir", dart: "dart", scala: "scala", lua: "lua",
};
// Frameworks named in prose or topics; the extension map above covers .svelte and .vue files.
const FRAMEWORKS = ["svelte", "sveltekit", "react", "nextjs", "vue", "nuxt", "angular", "django", "flask", "fastapi", "rails",
  "express", "tokio", "actix", "axum", "spring", "laravel", "tailwind", "graphql", "kubernetes", "docker", "electron", "pytorch", "tensorflow"];
const FRAMEWORK_ALIASES: Record<string, string> = { "next.js": "nextjs", "vue.js": "vue", "node.js": "nodejs", tailwindcss: "tailwind" };

const WORK_KIND_LABELS: Array<[RegExp, WorkKind]> = [
  [/\b(docs?|documentation)\b/i, "docs"],
  [/\b(tests?|testing|coverage)\b/i, "tests"],
  [/\b(bug|defect|crash|regression)\b/i, "bug"],
  [/\b(refactor|cleanup|tech[- ]debt)\b/i, "refactor"],
  [/\b(design|ux|ui)\b/i, "design"],
  [/\b(feature|enhancement|feature request)\b/i, "feature"],
];
const BEGINNER_LABELS = /\b(good[- ]first[- ]issue|first[- ]timers?[- ]only|beginner|easy|starter|newcomer|help wanted|up-for-grabs|low[- ]hanging)\b/i;
const ADVANCED_LABELS = /\b(hard|complex|difficult|expert|advanced|epic|breaking)\b/i;
const NOT_READY_LABELS: Array<[RegExp, string]> = [
  [/\b(needs?|awaiting|waiting[- ]for)[- :]*(info|information|more info|reproduction|repro|feedback|response)\b/i, "needs more information"],
  [/\b(needs?[- :]*triage|triage|untriaged)\b/i, "waiting for triage"],
  [/\b(needs?[- :]*discussion|discussion|rfc|proposal|under consideration)\b/i, "still under discussion"],
  [/\b(question|support)\b/i, "a question rather than a task"],
  [/\b(duplicate|invalid|wontfix|won't fix|stale)\b/i, "marked duplicate or invalid"],
  [/\b(blocked|on hold)\b/i, "blocked"],
];
const NOT_READY_WORDING: Array<[RegExp, string]> = [
  [/\b(can(not|'t) reproduce|unable to reproduce|need(s)? (more )?(info|information|details)|please provide (a )?(repro|reproduction|more))\b/i, "needs more information"],
  [/\bduplicate of #\d+/i, "marked duplicate or invalid"],
];
const STOP_WORDS = new Set("the a an and or of to in on for with is are be it this that when from as at by not can should would we i you".split(" "));

const FILE_PATTERN = /(?:^|[\s`'"(])((?:[\w.-]+\/)*[\w-]+\.([a-z]{1,6}))(?=$|[\s`'"),:])/gim;

function repositoryLanguages(languages: Record<string, number>): DerivedSkill[] {
  const total = Object.values(languages).reduce((sum, bytes) => sum + bytes, 0);
  if (total <= 0) return [];
  return Object.entries(languages)
    .map(([name, bytes]) => ({ skill: name.trim().toLowerCase().replace(/\s+/g, "-"), kind: "language" as const, weight: bytes / total }))
    .filter((s) => s.weight >= 0.1)
    .map((s) => ({ ...s, weight: Math.min(1, 0.4 + s.weight * 0.6) }));
}

function mentionedFiles(text: string): string[] {
  const files = new Set<string>();
  for (const match of text.matchAll(FILE_PATTERN)) if (EXTENSIONS[match[2]!.toLowerCase()]) files.add(match[1]!);
  return [...files];
}

function difficultyOf(labels: string[], smallness: number): Difficulty {
  if (labels.some((l) => BEGINNER_LABELS.test(l))) return "beginner";
  if (labels.some((l) => ADVANCED_LABELS.test(l))) return "advanced";
  if (smallness >= 0.7) return "beginner";
  return smallness >= 0.35 ? "intermediate" : "advanced";
}

function readiness(labels: string[], text: string): string | null {
  for (const [pattern, reason] of NOT_READY_LABELS) if (labels.some((l) => pattern.test(l))) return reason;
  for (const [pattern, reason] of NOT_READY_WORDING) if (pattern.test(text)) return reason;
  return null;
}

function keywordsOf(title: string): string[] {
  const words = title.toLowerCase().match(/[a-z][a-z0-9+#-]{2,}/g) ?? [];
  return [...new Set(words.filter((w) => !STOP_WORDS.has(w)))].slice(0, 8);
}

/**
 * What an issue asks of a contributor, from its text and its repository alone (no GitHub call):
 * skills with weights, kind of work, difficulty, size and whether it is ready to be picked up.
 */
export function deriveIssueSkills(issue: IssueText): IssueFacts {
  const body = issue.body ?? "";
  const text = `${issue.title}\n${body}`;
  const skills = new Map<string, DerivedSkill>();
  const add = (skill: DerivedSkill) => {
    const existing = skills.get(skill.skill);
    if (!existing || existing.weight < skill.weight) skills.set(skill.skill, skill);
  };
  for (const skill of repositoryLanguages(issue.repoLanguages)) add(skill);
  const files = mentionedFiles(text);
  for (const file of files) {
    const language = EXTENSIONS[file.split(".").at(-1)!.toLowerCase()]!;
    add({ skill: language, kind: language === "svelte" || language === "vue" ? "framework" : "language", weight: 1 });
  }
  const lowered = ` ${text.toLowerCase()} ${issue.repoTopics.join(" ").toLowerCase()} `;
  for (const [alias, framework] of Object.entries(FRAMEWORK_ALIASES)) if (lowered.includes(alias)) add({ skill: framework, kind: "framework", weight: 0.8 });
  for (const framework of FRAMEWORKS) {
    if (new RegExp(`[^a-z0-9]${framework}[^a-z0-9]`).test(lowered)) add({ skill: framework, kind: "framework", weight: 0.8 });
  }
  const workKind = WORK_KIND_LABELS.find(([pattern]) => issue.labels.some((l) => pattern.test(l)))?.[1] ?? null;
  if (workKind) add({ skill: workKind, kind: "work_kind", weight: 1 });

  const codeBlocks = (body.match(/```/g) ?? []).length / 2;
  const size = Math.min(1, body.length / 4000) * 0.5 + Math.min(1, codeBlocks / 4) * 0.2 + Math.min(1, files.length / 6) * 0.3;
  const smallness = Math.round((1 - size) * 1000) / 1000;
  const reason = readiness(issue.labels, text);
  return {
    skills: [...skills.values()].map((s) => ({ ...s, weight: Math.round(s.weight * 1000) / 1000 })),
    difficulty: difficultyOf(issue.labels, smallness),
    smallness,
    notReady: reason !== null,
    notReadyReason: reason,
    workKind,
    keywords: keywordsOf(issue.title),
  };
}
