import type { Knex } from "knex";
import { saveEnrichment, upsertContribution, type DetectedContribution, type Enrichment } from "../../src/portfolio/contribution-store.js";

let nextPrId = 7_000_000;

/** A stored, enriched contribution, as detection and enrichment would leave it. */
export async function seedContribution(
  knex: Knex,
  owner: { userId: number | null; githubId: number; login: string },
  fields: Partial<DetectedContribution> & Partial<Enrichment> & { mergedAt: Date },
): Promise<number> {
  const prId = fields.githubPrId ?? nextPrId++;
  const repo = fields.repoFullName ?? "octo/lib";
  const number = fields.prNumber ?? (prId % 100_000) + 1;
  const { id } = await upsertContribution(knex, owner.userId, {
    githubPrId: prId,
    authorGithubId: owner.githubId,
    authorLogin: owner.login,
    repositoryId: fields.repositoryId ?? 100 + (repo.length % 7),
    repoFullName: repo,
    prNumber: number,
    title: fields.title ?? `Fix ${number}`,
    url: fields.url ?? `https://github.com/${repo}/pull/${number}`,
    mergedAt: fields.mergedAt,
    isPrivate: fields.isPrivate ?? false,
    source: fields.source ?? "webhook",
  });
  await saveEnrichment(
    knex,
    id,
    {
      title: fields.title ?? `Fix ${number}`,
      additions: fields.additions ?? 10,
      deletions: fields.deletions ?? 2,
      changedFiles: fields.changedFiles ?? 1,
      languages: fields.languages ?? { TypeScript: 12 },
      skillTags: fields.skillTags ?? ["typescript"],
      isPrivate: fields.isPrivate ?? false,
      repoDescription: fields.repoDescription ?? null,
      repoStars: fields.repoStars ?? 3,
      repoTopics: fields.repoTopics ?? [],
    },
    new Date(),
  );
  return id;
}

/** RFC 4180 reader, written independently of the exporter so a round trip proves something. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
        if (i < text.length && text[i] !== "," && text[i] !== "\r") throw new Error(`text after a closing quote at ${i}`);
      } else {
        field += c;
        i++;
      }
    } else if (c === '"') {
      if (field !== "") throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      i++;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 2;
    } else if (c === "\n" || c === "\r") {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new Error("unterminated quoted field");
  if (field !== "" || row.length > 0) throw new Error("last record lacks its CRLF");
  return rows;
}
