import { toSkillSlug } from "../users/index.js";

/** Frameworks and tools a changed file shows by its path alone (a diff has no manifest to read). */
const FILE_FRAMEWORKS: Array<[RegExp, string]> = [
  [/\.svelte$|(^|\/)svelte\.config\.[cm]?[jt]s$/, "svelte"],
  [/\.vue$/, "vue"],
  [/\.[jt]sx$/, "react"],
  [/(^|\/)next\.config\.[cm]?[jt]s$/, "nextjs"],
  [/(^|\/)angular\.json$|\.component\.ts$/, "angular"],
  [/(^|\/)(Dockerfile|docker-compose\.ya?ml|compose\.ya?ml)$/, "docker"],
  [/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/, "github-actions"],
  [/\.tf$/, "terraform"],
  [/(^|\/)Chart\.yaml$|(^|\/)k8s\//, "kubernetes"],
  [/(^|\/)(manage\.py|settings\.py)$|(^|\/)migrations\/\d+_.*\.py$/, "django"],
  [/(^|\/)Gemfile$|(^|\/)config\/routes\.rb$/, "rails"],
  [/(^|\/)Cargo\.toml$/, "cargo"],
  [/(^|\/)(vite|vitest)\.config\.[cm]?[jt]s$/, "vite"],
  [/(^|\/)tailwind\.config\.[cm]?[jt]s$/, "tailwind"],
  [/\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)test_[^/]+\.py$|_test\.go$/, "testing"],
  [/(^|\/)docs?\/|\.mdx?$|\.rst$/, "docs"],
];

/** Languages touched (by lines changed) then frameworks, as lowercase slugs, at most 12. */
export function skillTagsFor(languages: Record<string, number>, filenames: string[]): string[] {
  const tags = new Set(Object.keys(languages).map(toSkillSlug));
  for (const name of filenames) for (const [pattern, tag] of FILE_FRAMEWORKS) if (pattern.test(name)) tags.add(tag);
  return [...tags].slice(0, 12);
}
