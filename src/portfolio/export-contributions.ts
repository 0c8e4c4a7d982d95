import type { Response } from "express";
import type { Knex } from "knex";
import { toContribution, type Contribution, type ContributionRow } from "./contribution-store.js";
import { contributionJson } from "./contribution-json.js";
import type { PortfolioOwner } from "./portfolio-owners.js";

const PAGE = 500;

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, and its quotes doubled. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = [
  "merged_at",
  "repository",
  "number",
  "title",
  "url",
  "additions",
  "deletions",
  "changed_files",
  "languages",
  "skill_tags",
  "source",
  "private",
  "first_in_repository",
] as const;

const csvRow = (c: Contribution) =>
  [
    c.mergedAt.toISOString(),
    c.repoFullName,
    c.prNumber,
    c.title,
    c.url,
    c.additions,
    c.deletions,
    c.changedFiles,
    Object.keys(c.languages).join(";"),
    c.skillTags.join(";"),
    c.source,
    c.isPrivate,
    c.firstInRepo,
  ]
    .map(csvField)
    .join(",") + "\r\n";

/** The API's fields, less the two that only mean something inside Illuminate (its id, enrichment state). */
const jsonRow = (c: Contribution) => {
  const { id: _id, enriched: _enriched, ...row } = contributionJson(c);
  return JSON.stringify(row);
};

/** Keyset pages, oldest first, so memory stays flat however many contributions there are. */
async function* pages(knex: Knex, owner: PortfolioOwner): AsyncGenerator<Contribution[]> {
  let afterId = 0;
  for (;;) {
    const rows = (await knex("contributions")
      .where({ author_github_id: owner.githubId })
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(PAGE)
      .select("*")) as ContributionRow[];
    if (rows.length === 0) return;
    afterId = Number(rows[rows.length - 1]!.id);
    yield rows.map(toContribution);
    if (rows.length < PAGE) return;
  }
}

/** Writes and waits for the socket to drain, so a slow client does not pile the export up in memory. */
const write = (res: Response, chunk: string) => (res.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => res.once("drain", () => resolve())));

export async function streamExport(res: Response, knex: Knex, owner: PortfolioOwner, format: "csv" | "json", now: Date): Promise<void> {
  const stamp = now.toISOString().slice(0, 10);
  res.setHeader("Cache-Control", "private, no-store");
  res.setHeader("Content-Disposition", `attachment; filename="illuminate-${owner.login}-${stamp}.${format}"`);
  if (format === "csv") {
    res.type("text/csv; charset=utf-8; header=present");
    await write(res, CSV_COLUMNS.join(",") + "\r\n");
    for await (const page of pages(knex, owner)) await write(res, page.map(csvRow).join(""));
  } else {
    res.type("application/json; charset=utf-8");
    await write(res, `{"login":${JSON.stringify(owner.login)},"exportedAt":${JSON.stringify(now.toISOString())},"contributions":[`);
    let first = true;
    for await (const page of pages(knex, owner)) {
      await write(res, page.map((c) => (first ? ((first = false), jsonRow(c)) : "," + jsonRow(c))).join(""));
    }
    await write(res, "]}");
  }
  res.end();
}
