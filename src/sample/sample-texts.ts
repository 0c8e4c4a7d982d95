import type { Prng } from "./create-prng.js";
import type { SampleRepository } from "./sample-catalog.js";

// The words of the sample: issue bodies, comments and commit messages in the voice of real projects.

type Kind = SampleRepository["titles"][number]["kind"];

const VERSIONS = ["1.4.2", "2.0.0-rc.1", "2.1.3", "0.9.8", "3.2.0"];
const SYSTEMS = ["macOS 14.5", "Ubuntu 24.04", "Windows 11", "Debian 12", "Fedora 40"];

export function issueBody(prng: Prng, repo: SampleRepository, kind: Kind, file: string, area: string): string {
  const version = prng.pick(VERSIONS);
  const os = prng.pick(SYSTEMS);
  switch (kind) {
    case "bug":
      return [
        "### What happened",
        "",
        `The ${area} misbehaves with the input below. The code path is in \`${file}\`; the problem seems to start where it handles an empty value.`,
        "",
        "### Steps to reproduce",
        "",
        `1. Clone ${repo.name} at v${version}`,
        `2. Run the ${area} with the default configuration`,
        "3. See the error in the output",
        "",
        "### Expected behaviour",
        "",
        "No error, and the same result as with a non-empty value.",
        "",
        "### Environment",
        "",
        `- ${repo.name} ${version}`,
        `- ${os}`,
      ].join("\n");
    case "feature":
      return [
        "### Problem",
        "",
        `Today the ${area} has no way to do this without patching \`${file}\` locally.`,
        "",
        "### Proposal",
        "",
        `Add an option next to the existing ones in \`${file}\`, off by default, and mention it in the docs.`,
        "",
        "### Alternatives",
        "",
        "A wrapper in user code works but has to be copied into every project.",
      ].join("\n");
    case "docs":
      return [
        `The page generated from \`${file}\` still describes the behaviour before v${version}.`,
        "",
        `- The example for the ${area} uses an option that was renamed`,
        "- One link points to a page that no longer exists",
        "",
        "Happy to review a fix; this is a good way to get to know the project.",
      ].join("\n");
    case "test":
      return [
        `\`${file}\` has no test for the ${area} edge cases (empty input, unicode, very large values).`,
        "",
        "A few table-driven cases next to the existing tests would be enough. Run the suite locally with the command in CONTRIBUTING.md.",
      ].join("\n");
    case "chore":
      return [
        `Small clean-up in \`${file}\` (${area}).`,
        "",
        "No behaviour change expected; the existing tests should keep passing.",
      ].join("\n");
  }
}

export const CLAIMS = [
  "Hi! Can I work on this?",
  "I'd like to work on this one, could you assign it to me?",
  "Could I take this issue? I have a fix in mind.",
  "I'm interested in working on this. Please assign it to me.",
  "Can I pick this up? It would be my first contribution here.",
];

export const CLAIM_ANSWERS = [
  "Sure, it's yours! Let us know if you get stuck.",
  "Go for it 🙌 Assigned.",
  "Thanks! Assigning you. The relevant code is linked in the issue.",
  "Yes please. Ping me when the PR is up.",
];

export const RELEASES = [
  "Sorry, I'm no longer working on this: someone else can take it.",
  "I won't be able to finish this, unassigning myself.",
];

export const DISCUSSION = [
  "I can reproduce this on the latest main.",
  "Same here, on a fresh install.",
  "Is there a workaround in the meantime?",
  "This also happens with the default configuration.",
  "+1, we hit this in production last week.",
];

export const MAINTAINER_NOTES = [
  "Thanks for the report! Confirmed, marking it for contributors.",
  "Good catch. The fix should be small; pointers are in the description.",
  "Thanks, this makes sense. A PR would be welcome.",
  "Could you share the exact version you are on?",
];

export const NOT_PLANNED = "Closing: this is out of scope for the project, but thanks for the suggestion.";

export function commitMessage(prng: Prng, area: string, file: string): string {
  const verb = prng.pick(["Fix", "Refactor", "Speed up", "Simplify", "Tidy", "Document", "Test"]);
  return `${verb} ${area} (${file.split("/").pop()})`;
}
