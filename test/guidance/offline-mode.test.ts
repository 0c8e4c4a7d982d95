import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { SECTION_KEYS } from "../../src/guidance/deep-dive-sections.js";
import { extractFacts, primarySetupCommand, type SourceDoc } from "../../src/guidance/extract-facts.js";
import { generateOffline, OFFLINE_LABEL } from "../../src/guidance/generate-offline.js";
import type { GuidanceIssue } from "../../src/guidance/issue-source.js";
import { silentLog, startTestApp, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { loadRepoFixture, type Ecosystem } from "./fixtures.js";
import { nockInstallationToken, nockRepositoryReads, seedIssue } from "./harness.js";

function issue(overrides: Partial<GuidanceIssue> = {}): GuidanceIssue {
  return {
    id: 1, number: 7, title: "Reader fails on empty files", body: "Reading an empty file raises IndexError.", labels: ["good first issue", "bug"], state: "open", locked: false,
    authorLogin: "newcomer", commentsCount: 0, githubUpdatedAt: new Date("2025-10-01T00:00:00Z"),
    repository: { id: 1, owner: "o", name: "r", fullName: "o/r", installationId: 1, defaultBranch: "main", description: null, isPrivate: false, languages: { Python: 10 } },
    availability: { assignees: [], claims: [], linkedPullRequests: [] },
    ...overrides,
  };
}

function docsOf(ecosystem: Ecosystem): { docs: SourceDoc[]; tree: ReturnType<typeof loadRepoFixture>["tree"] } {
  const fixture = loadRepoFixture(ecosystem);
  const docs = Object.entries(fixture.files).map(([path, text]) => ({
    path,
    text,
    kind: path.startsWith("README") ? ("readme" as const) : /CONTRIBUTING/.test(path) ? ("contributing" as const) : ("doc" as const),
  }));
  return { docs, tree: fixture.tree };
}

const EXPECTED: Record<Ecosystem, { setup: string; test: string[]; lint: string; contributing: string }> = {
  node: { setup: "npm ci", test: ["npm test"], lint: "npm run lint", contributing: "CONTRIBUTING.md" },
  python: { setup: "python -m venv .venv", test: ["pytest", "tox"], lint: "ruff check .", contributing: "CONTRIBUTING.rst" },
  rust: { setup: "cargo build", test: ["cargo test"], lint: "cargo clippy --all-targets -- -D warnings", contributing: "CONTRIBUTING.md" },
  go: { setup: "make tools", test: ["make test", "go test ./..."], lint: "make lint", contributing: ".github/CONTRIBUTING.md" },
};

describe("facts read from real-world README and CONTRIBUTING files, without AI", () => {
  it.each(Object.keys(EXPECTED) as Ecosystem[])("%s: the development setup and test commands, not the end-user install", (ecosystem) => {
    const { docs, tree } = docsOf(ecosystem);
    const facts = extractFacts({ issue: issue(), docs, tree, languages: {}, references: [], thread: null, newcomerResponseHours: null });
    const expected = EXPECTED[ecosystem];
    expect(primarySetupCommand(facts)).toBe(expected.setup);
    expect(facts.commands.test.slice(0, expected.test.length)).toEqual(expected.test);
    expect(facts.commands.lint).toContain(expected.lint);
    expect(facts.repository.contributingPath).toBe(expected.contributing);
    // What a user types to install the published package is not a contributor's setup.
    expect(facts.commands.setup.join(" ")).not.toMatch(/^(npm install fernlog|pip install tidewater|cargo install quillmark|go install)/m);
    expect(facts.prRules.length).toBeGreaterThan(0);
  });

  it("builds five sections from the facts, with the commands a newcomer needs, and flags what should worry them", () => {
    const { docs, tree } = docsOf("python");
    const facts = extractFacts({
      issue: issue({ availability: { assignees: [], claims: [{ login: "someone", at: new Date() }], linkedPullRequests: [] } }),
      docs, tree, languages: { Python: 90, Shell: 10 }, references: [], thread: null, newcomerResponseHours: 400,
    });
    const sections = generateOffline(facts, "Reading an empty file raises IndexError.", new Date("2026-06-01T00:00:00Z"));
    expect(Object.keys(sections)).toEqual([...SECTION_KEYS]);
    for (const key of SECTION_KEYS) expect(sections[key].summary.length).toBeGreaterThan(0);
    const commands = sections.overview.items.flatMap((i) => i.commands);
    expect(commands).toEqual(expect.arrayContaining(["python -m venv .venv", "pytest"]));
    const flags = sections.redFlags.items.map((i) => i.text).join("\n");
    expect(flags).toMatch(/@someone/);
    expect(flags).toMatch(/No activity for about 8 months/);
    expect(flags).toMatch(/about 17 days to answer newcomers/);
    expect(sections.questions.items.map((i) => i.text).join("\n")).toMatch(/Is @someone still working on this/);
  });
});

describe("offline mode over HTTP (no ANTHROPIC_API_KEY)", () => {
  let db: Db | undefined;
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await db?.close();
    app = undefined;
    db = undefined;
  });

  it.each(["node", "python"] as const)("%s: the deep dive is built from the repository's docs and marked as generated without AI", async (ecosystem) => {
    db = await createTestDb();
    const fixture = loadRepoFixture(ecosystem);
    const seeded = await seedIssue(db, { title: "Reader fails on empty files", body: "Reading an empty file raises an error.", labels: ["good first issue"] });
    nockInstallationToken(seeded.installationId);
    const github = nockRepositoryReads(seeded, fixture);
    app = await startTestApp({ db, queue: createTestQueue(silentLog) });

    const first = await fetch(`${app.baseUrl}/api/issues/${seeded.issueId}/deep-dive`);
    expect(first.status).toBe(202);
    const body = await waitFor(async () => {
      const response = await fetch(`${app!.baseUrl}/api/issues/${seeded.issueId}/deep-dive`);
      const json = (await response.json()) as Record<string, any>;
      return json.status === "ready" ? json : undefined;
    }, 15_000, "offline deep dive");
    github.done();

    expect(body.deepDive.generator).toEqual({ kind: "offline", model: null, label: OFFLINE_LABEL });
    expect(body.deepDive.generator.label).toMatch(/without AI/);
    expect(body.deepDive.usage).toBeNull();
    expect(body.deepDive.sections.map((s: { key: string }) => s.key)).toEqual([...SECTION_KEYS]);
    const commands = body.deepDive.sections.flatMap((s: any) => s.items.flatMap((i: any) => i.commands));
    const expected = EXPECTED[ecosystem];
    expect(commands).toContain(expected.setup);
    expect(commands).toContain(expected.test[0]);
    const row = await db.knex("deep_dives").where({ issue_id: seeded.issueId }).first();
    expect(row).toMatchObject({ status: "ready", offline: true, model: null, input_tokens: 0 });
  });
});
