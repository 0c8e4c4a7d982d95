import type { ClosingReference } from "../snapshots/snapshot-types.js";

/** GitHub's closing keywords; each referenced issue needs its own keyword. */
const KEYWORD = String.raw`(?<![\w-])(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+`;
const NAME = String.raw`[A-Za-z0-9_.-]+`;

/** More than this and the text is noise (or an attack); GitHub itself links far fewer. */
export const MAX_CLOSING_REFERENCES = 25;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The issues a pull request says it closes ("fixes #12", "closes owner/repo#3", "resolves
 * https://github.com/owner/repo/issues/7"), de-duplicated, at most MAX_CLOSING_REFERENCES.
 * A bare "#12" without a keyword only mentions an issue and is ignored, as on GitHub.
 */
export function parseClosingReferences(
  text: string,
  context: { repoFullName: string; webUrl?: string },
): ClosingReference[] {
  const host = escapeRegExp(new URL(context.webUrl ?? "https://github.com").host);
  const pattern = new RegExp(
    `${KEYWORD}(?:(?:(${NAME})/(${NAME}))?#(\\d{1,9})|https?://${host}/(${NAME})/(${NAME})/issues/(\\d{1,9}))(?![\\w/])`,
    "gi",
  );
  const own = context.repoFullName.toLowerCase();
  const found = new Map<string, ClosingReference>();
  for (const match of text.matchAll(pattern)) {
    const [, owner, repo, shortNumber, urlOwner, urlRepo, urlNumber] = match;
    const number = Number(shortNumber ?? urlNumber);
    const fullName = urlOwner ? `${urlOwner}/${urlRepo}` : owner ? `${owner}/${repo}` : own;
    if (!Number.isSafeInteger(number) || number <= 0) continue;
    const reference = { repo: fullName.toLowerCase(), number };
    found.set(`${reference.repo}#${number}`, reference);
    if (found.size >= MAX_CLOSING_REFERENCES) break;
  }
  return [...found.values()];
}
