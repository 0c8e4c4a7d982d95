import type { DeepDiveItem, DeepDiveSections } from "./deep-dive-sections.js";
import type { DeepDiveFacts } from "./extract-facts.js";

export const OFFLINE_LABEL = "Generated without AI, from the repository's docs and the issue's data";

const item = (text: string, files: string[] = [], commands: string[] = []): DeepDiveItem => ({ text, files, commands });
const days = (fromIso: string, now: Date) => Math.floor((now.getTime() - new Date(fromIso).getTime()) / 86_400_000);

function firstSentences(text: string, max: number): string {
  const flat = text.replace(/```[\s\S]*?```/g, " ").replace(/<!--[\s\S]*?-->/g, " ").replace(/[#>*_`]+/g, " ").replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const end = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf("? "), cut.lastIndexOf("! "));
  return end > max / 3 ? cut.slice(0, end + 1) : `${cut.trimEnd()}…`;
}

/**
 * The five sections from extracted facts alone, so a deployment without an API key (or a model
 * that is down) still prepares a newcomer. The caller grounds the result like any other.
 */
export function generateOffline(facts: DeepDiveFacts, issueBody: string, now: Date): DeepDiveSections {
  const r = facts.repository;
  const c = facts.commands;
  const a = facts.availability;
  const i = facts.issue;
  const refs = i.referencedFiles.map((f) => f.path);
  const languages = r.languages.slice(0, 3).map((l) => `${l.name} (${l.share}%)`).join(", ");

  const overview: DeepDiveItem[] = [];
  if (c.setup.length) overview.push(item("Set up a development copy as the docs describe.", [], c.setup.slice(0, 2)));
  if (c.build.length) overview.push(item("Build the project.", [], c.build.slice(0, 1)));
  if (c.test.length) overview.push(item("Run the test suite before and after your change.", [], c.test.slice(0, 2)));
  if (c.lint.length) overview.push(item("Run the linters and formatters the project uses.", [], c.lint.slice(0, 2)));
  if (r.keyFiles.length) overview.push(item("Files that describe how the project is built and checked.", r.keyFiles.slice(0, 5)));
  const rules = facts.prRules.map((rule) => rule.replace(/[.;:]\s*$/, ""));
  if (rules.length) overview.push(item(`Pull request rules: ${rules.slice(0, 3).join("; ")}.`, r.contributingPath ? [r.contributingPath] : []));

  const context: DeepDiveItem[] = [];
  const excerpt = issueBody.trim() ? firstSentences(issueBody, 320) : "";
  context.push(item(excerpt ? `The issue says: ${excerpt}` : "The issue has no description beyond its title."));
  for (const ref of i.referencedFiles.slice(0, 4)) {
    context.push(item(`The issue points at this file${ref.via === "stack_trace" ? " in a stack trace" : ref.via === "identifier" ? " through a code name it mentions" : ""}.`, [ref.path]));
  }
  if (i.commentsTotal > 0) context.push(item(`${i.commentsTotal} comments so far, ${i.maintainerAnswers} of them from maintainers.`));

  const approach: DeepDiveItem[] = [];
  approach.push(item(r.contributingPath ? "Read the contributing guide and set up the project." : "Set up the project as the README describes.", r.contributingPath ? [r.contributingPath] : [], c.setup.slice(0, 1)));
  if (refs.length) approach.push(item("Start reading at the files the issue points at.", refs.slice(0, 3)));
  else approach.push(item("Find where the behaviour lives: search the code for the words in the issue's title and ask the maintainers if unsure."));
  if (i.labels.some((l) => /bug|defect|regression/i.test(l))) approach.push(item("Reproduce the problem first, ideally as a failing test.", [], c.test.slice(0, 1)));
  approach.push(item("Make the smallest change that solves the issue, then run the tests and linters.", [], [...c.test.slice(0, 1), ...c.lint.slice(0, 1)]));
  approach.push(item(rules.length ? `Open a pull request that follows the project's rules (${rules[0]}) and links the issue.` : "Open a pull request that links the issue and explains the change."));

  const questions: DeepDiveItem[] = [];
  const others = [...new Set([...a.assignees, ...a.claimedBy])];
  if (others.length) questions.push(item(`Is ${others.map((o) => `@${o}`).join(", ")} still working on this, or may I take it?`));
  if (!excerpt || excerpt.length < 80) questions.push(item("Could you describe the expected behaviour and how to reproduce the current one?"));
  if (!refs.length) questions.push(item("Which part of the code should this change go in?"));
  if (c.test.length) questions.push(item("Should the change come with a test, and where do similar tests live?"));
  if (i.labels.some((l) => /feature|enhancement|proposal|design/i.test(l))) questions.push(item("Is the design agreed, or should I sketch it here before writing code?"));
  if (questions.length < 2) questions.push(item("Is there anything about this issue that is not written down yet?"));

  const flags: DeepDiveItem[] = [];
  if (a.status === "in_review") flags.push(item(`A pull request already addresses this issue (${a.linkedPullRequests.map((n) => `#${n}`).join(", ")}).`));
  if (a.status === "assigned") flags.push(item(`The issue is assigned to ${a.assignees.map((x) => `@${x}`).join(", ")}.`));
  if (a.claimedBy.length && a.status !== "assigned") flags.push(item(`Someone already asked to take it: ${a.claimedBy.map((x) => `@${x}`).join(", ")}.`));
  if (i.state === "closed") flags.push(item("The issue is closed."));
  const idle = days(i.updatedAt, now);
  if (idle > 180) flags.push(item(`No activity for about ${Math.round(idle / 30)} months: check it is still wanted.`));
  if (i.commentsTotal > 0 && i.maintainerAnswers === 0) flags.push(item("No maintainer has answered in the thread yet."));
  if (facts.newcomerResponseHours !== null && facts.newcomerResponseHours > 168) flags.push(item(`Maintainers take about ${Math.round(facts.newcomerResponseHours / 24)} days to answer newcomers here.`));
  if (!r.contributingPath) flags.push(item("No contributing guide was found: ask how the maintainers want changes proposed."));
  if (!c.test.length) flags.push(item("No test command was found in the docs: ask how changes are checked."));

  return {
    overview: {
      summary: `${r.fullName}${r.description ? `: ${r.description}` : ""}.${languages ? ` Written mostly in ${languages}.` : ""} Default branch: ${r.defaultBranch}.`,
      items: overview,
    },
    issueContext: {
      summary: `#${i.number} "${i.title}"${i.labels.length ? `, labelled ${i.labels.join(", ")}` : ""}. Status: ${a.status.replace("_", " ")}.`,
      items: context,
    },
    approach: { summary: "A plan built from the project's docs and the files the issue mentions.", items: approach },
    questions: { summary: "Worth asking in the issue before writing code.", items: questions },
    redFlags: {
      summary: flags.length ? `${flags.length} thing${flags.length === 1 ? "" : "s"} to check before starting.` : "Nothing alarming in the data available.",
      items: flags,
    },
  };
}
