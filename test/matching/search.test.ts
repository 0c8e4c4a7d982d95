import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import type { SearchItem } from "../../src/matching/search/search-issues.js";
import type { TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { getJson, seedIssue, seedRepo, seedSignal, startMatchingApp } from "./matching-kit.js";

let db: Db;
let app: TestApp;
let printer: number;
let xss: number;
let taken: number;

type Page = { items: SearchItem[]; nextCursor: string | null };
const search = (query: string) => getJson<Page>(app, `/api/issues/search?${query}`);

beforeAll(async () => {
  db = await createTestDb();
  app = await startMatchingApp(db, createTestQueue());
  const fernlog = await seedRepo(db, { fullName: "fernlog/fernlog", languages: { TypeScript: 100_000 } });
  const parser = await seedRepo(db, { fullName: "tomlkit/parser", languages: { Rust: 100_000 } });
  printer = await seedIssue(db, fernlog, { title: "Pretty printer crashes on circular objects", body: "Logging an object that references itself crashes the formatter." });
  xss = await seedIssue(db, fernlog, { title: "Escape markup in the HTML reporter", body: 'The reporter writes <script>alert("x")</script> verbatim when a message contains markup & quotes.' });
  taken = await seedIssue(db, parser, { title: "Parser rejects dotted keys", body: "Dotted keys such as a.b.c fail to parse in tables." });
  await seedSignal(db, taken, "claim");
  for (let n = 0; n < 12; n++) await seedIssue(db, parser, { title: `Parser edge case ${n}`, body: `The parser mishandles case ${n} of inline tables.` });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe("search", () => {
  it("finds words in titles and bodies, ranks title matches first and marks taken issues", async () => {
    const { status, body } = await search("q=dotted+keys");
    expect(status).toBe(200);
    expect(body.items[0]!.id).toBe(taken);
    expect(body.items[0]!.availability.taken).toBe(true);
    expect(body.items[0]!.titleHtml).toContain("<mark>dotted</mark> <mark>keys</mark>");
  });

  it("tolerates typos in titles and repository names", async () => {
    expect((await search("q=pretty+printr+crashs")).body.items.map((i) => i.id)).toContain(printer);
    expect((await search("q=fernlgo")).body.items.map((i) => i.id)).toEqual(expect.arrayContaining([printer, xss]));
  });

  it("escapes HTML from issue text before highlighting it", async () => {
    const item = (await search("q=reporter+markup")).body.items.find((i) => i.id === xss)!;
    expect(item.snippetHtml).not.toContain("<script>");
    expect(item.snippetHtml).toContain("&lt;script&gt;");
    expect(item.snippetHtml).toMatch(/<mark>(markup|reporter)<\/mark>/);
    expect(item.snippetHtml.replace(/<\/?mark>/g, "")).not.toMatch(/[<>]/);
  });

  it("answers SQL and tsquery syntax in the query as plain words", async () => {
    for (const q of ["'; drop table issues; --", "parser & !(", "a:* | b <-> c", "\\", "((((", '"unterminated']) {
      const response = await search(`q=${encodeURIComponent(q)}`);
      expect(response.status, q).toBe(200);
    }
    expect(Number((await db.knex("issues").count({ n: "*" }))[0]!.n)).toBeGreaterThan(0);
  });

  it("refuses a 10,000-character query, an empty one and unknown parameters with a message", async () => {
    for (const query of [`q=${"a".repeat(10_000)}`, "q=", "q=%20%20", "", "q=x&sort=price", "q=x&limit=0"]) {
      const response = await getJson<{ error: { message: string } }>(app, `/api/issues/search?${query}`);
      expect(response.status, query.slice(0, 30)).toBe(400);
      expect(response.body.error.message).toBeTruthy();
    }
  });

  it("pages with a cursor without repeating, and filters by repository", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: { status: number; body: Page } = await search(`q=parser&repo=tomlkit/parser&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(response.status).toBe(200);
      seen.push(...response.body.items.map((i) => i.id));
      for (const item of response.body.items) expect(item.repository.fullName).toBe("tomlkit/parser");
      cursor = response.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toHaveLength(13);
    expect(new Set(seen).size).toBe(13);
    expect((await search(`q=printer&cursor=${encodeURIComponent("x.y")}`)).status).toBe(400);
  });
});
