const DISPLAY: Record<string, string> = {
  typescript: "TypeScript", javascript: "JavaScript", python: "Python", rust: "Rust", go: "Go", ruby: "Ruby", java: "Java",
  kotlin: "Kotlin", swift: "Swift", "c++": "C++", "c#": "C#", php: "PHP", svelte: "Svelte", sveltekit: "SvelteKit", vue: "Vue",
  react: "React", nextjs: "Next.js", css: "CSS", html: "HTML", django: "Django", graphql: "GraphQL", docker: "Docker",
};

export const displaySkill = (skill: string) => DISPLAY[skill] ?? skill.charAt(0).toUpperCase() + skill.slice(1);

const list = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;

export interface ExplainInput {
  knownSkills: string[];
  goalSkills: string[];
  difficulty: string;
  targetDifficulty: number | null;
  medianResponseHours: number | null;
  health: number;
  freshnessDays: number;
  feedback: number;
  repository: string;
}

function responseTime(hours: number): string {
  if (hours < 1.5) return "~1 hour";
  if (hours < 36) return `~${Math.round(hours)} hours`;
  const days = Math.round(hours / 24);
  return days === 1 ? "~1 day" : `~${days} days`;
}

/** The one-line "why this issue": the strongest two or three reasons, in plain words. */
export function explainFeedItem(input: ExplainInput): string {
  const parts: string[] = [];
  if (input.knownSkills.length > 0) parts.push(`Uses ${list(input.knownSkills.slice(0, 2).map(displaySkill))}, which you know`);
  if (input.goalSkills.length > 0) parts.push(`lets you practise ${list(input.goalSkills.slice(0, 2).map(displaySkill))}, which you want to learn`);
  if (input.targetDifficulty === 0 && input.difficulty === "beginner") parts.push("small and suited to newcomers");
  if (input.medianResponseHours !== null && input.medianResponseHours <= 72) parts.push(`the repo answers newcomers in ${responseTime(input.medianResponseHours)}`);
  else if (input.health >= 0.7) parts.push("the repo is active and healthy");
  if (input.feedback > 0) parts.push(`raised because you liked similar issues (${input.repository} or the same kind of work)`);
  if (input.feedback < 0) parts.push(`lowered because you turned down similar issues (${input.repository} or the same kind of work)`);
  if (parts.length === 0) parts.push(input.freshnessDays <= 7 ? "Recently active and open to contributors" : "Open to contributors");
  const sentence = parts.slice(0, 3).join("; ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
