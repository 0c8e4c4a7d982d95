/**
 * Who and what the sample is made of: five repositories in different ecosystems, the people who
 * maintain and use them, and the sample contributor. Every GitHub id sits far above the ids GitHub
 * hands out, so sample rows can never be mistaken for (or collide with) a real account or issue.
 */

export const SAMPLE_ID_BASE = 9_000_000_000_000;
export const SAMPLE_OWNER = "illuminate-sample";
export const SAMPLE_INSTALLATION_ID = SAMPLE_ID_BASE + 1;
export const SAMPLE_ORG_ID = SAMPLE_ID_BASE + 2;
/** the sample's app id, as GitHub would name it in an installation payload */
export const SAMPLE_APP_ID = 900_001;

export interface SamplePerson {
  login: string;
  id: number;
  name: string;
}

const person = (offset: number, login: string, name: string): SamplePerson => ({ login, id: SAMPLE_ID_BASE + 100 + offset, name });

/** The person a visitor explores as: their merged pull requests and skill profile are in the sample. */
export const SAMPLE_CONTRIBUTOR: SamplePerson & { bio: string } = {
  ...person(0, "sample-contributor", "Sam Sample"),
  bio: "A made-up contributor from Illuminate's sample data: TypeScript by day, Python data work on weekends.",
};

/** The skill profile the sample contributor sets on the skills settings page. */
export const SAMPLE_CONTRIBUTOR_SKILLS = [
  { skill: "typescript", kind: "language", level: 0.8, label: "TypeScript", comfort: 4 },
  { skill: "javascript", kind: "language", level: 0.7, label: "JavaScript", comfort: 4 },
  { skill: "python", kind: "language", level: 0.6, label: "Python", comfort: 3 },
  { skill: "go", kind: "language", level: 0.3, label: "Go", comfort: 2 },
  { skill: "documentation", kind: "work_kind", level: 0.7, label: "Documentation", comfort: 4 },
  { skill: "testing", kind: "topic", level: 0.6, label: "Testing", comfort: 3 },
] as const;

export const SAMPLE_MAINTAINERS: SamplePerson[] = [
  person(1, "ada-maintains", "Ada Okafor"),
  person(2, "lin-reviews", "Lin Hartmann"),
  person(3, "ravi-triage", "Ravi Menon"),
  person(4, "noor-ships", "Noor Haddad"),
  person(5, "mateo-merges", "Mateo Alves"),
];

export const SAMPLE_COMMUNITY: SamplePerson[] = [
  person(11, "kai-codes", "Kai Tanaka"),
  person(12, "priya-dev", "Priya Raman"),
  person(13, "jonas-fixes", "Jonas Berg"),
  person(14, "amara-builds", "Amara Nwosu"),
  person(15, "leo-learns", "Leo Costa"),
  person(16, "mei-reports", "Mei Chen"),
  person(17, "omar-hacks", "Omar Farouk"),
  person(18, "sofia-tests", "Sofia Rossi"),
  person(19, "tomas-writes", "Tomás Ruiz"),
  person(20, "yuki-debugs", "Yuki Sato"),
];

export interface SampleRepository {
  id: number;
  name: string;
  description: string;
  language: string;
  topics: string[];
  homepage: string | null;
  license: { key: string; name: string; spdx: string };
  stars: number;
  forks: number;
  /** index into SAMPLE_MAINTAINERS: who triages, reviews and merges here */
  maintainers: number[];
  /** files that issues and pull requests talk about */
  files: string[];
  /** parts of the project, used in titles */
  areas: string[];
  /** title shapes: {area} and {file} are filled in */
  titles: Array<{ title: string; kind: "bug" | "feature" | "docs" | "test" | "chore" }>;
}

export const SAMPLE_REPOSITORIES: SampleRepository[] = [
  {
    id: SAMPLE_ID_BASE + 1001,
    name: "lumen-web",
    description: "A small TypeScript web framework: file-based routing, streaming SSR and typed loaders.",
    language: "TypeScript",
    topics: ["typescript", "web-framework", "ssr", "http", "nodejs"],
    homepage: null,
    license: { key: "mit", name: "MIT License", spdx: "MIT" },
    stars: 4210,
    forks: 312,
    maintainers: [0, 1],
    files: ["src/router/match-route.ts", "src/server/create-server.ts", "src/render/stream-html.ts", "src/loaders/run-loader.ts", "packages/cli/src/dev.ts", "src/middleware/compose.ts", "test/router.test.ts"],
    areas: ["router", "dev server", "streaming renderer", "loaders", "CLI", "middleware"],
    titles: [
      { title: "Trailing slash breaks route matching in {file}", kind: "bug" },
      { title: "{area}: error message does not say which route failed", kind: "bug" },
      { title: "Support async iterables as loader results in the {area}", kind: "feature" },
      { title: "Add a test for optional params in {file}", kind: "test" },
      { title: "Dev server does not reload when {file} changes", kind: "bug" },
      { title: "Document how the {area} handles errors", kind: "docs" },
      { title: "Type of `params` is `any` in {file}", kind: "bug" },
      { title: "Allow configuring the dev server port from the command line", kind: "feature" },
      { title: "Remove the deprecated `ctx.body` setter from the {area}", kind: "chore" },
    ],
  },
  {
    id: SAMPLE_ID_BASE + 1002,
    name: "tabula",
    description: "Fast, typed dataframes for Python with a pandas-like API and Arrow under the hood.",
    language: "Python",
    topics: ["python", "dataframe", "data-science", "arrow", "pandas"],
    homepage: null,
    license: { key: "bsd-3-clause", name: "BSD 3-Clause \"New\" or \"Revised\" License", spdx: "BSD-3-Clause" },
    stars: 8930,
    forks: 741,
    maintainers: [1, 2],
    files: ["tabula/io/csv_reader.py", "tabula/frame.py", "tabula/groupby.py", "tabula/dtypes.py", "tabula/io/parquet.py", "tests/test_groupby.py", "docs/api/frame.rst"],
    areas: ["CSV reader", "groupby", "dtype inference", "Parquet writer", "join", "rolling windows"],
    titles: [
      { title: "read_csv drops the last row when the file has no trailing newline ({file})", kind: "bug" },
      { title: "{area}: wrong result with nullable integers", kind: "bug" },
      { title: "Add `dropna` parameter to the {area}", kind: "feature" },
      { title: "Docstring examples in {file} are out of date", kind: "docs" },
      { title: "Add property-based tests for the {area}", kind: "test" },
      { title: "{area} is 10x slower than pandas on wide frames", kind: "bug" },
      { title: "Support timezone-aware timestamps in the {area}", kind: "feature" },
      { title: "Type hints missing in {file}", kind: "chore" },
    ],
  },
  {
    id: SAMPLE_ID_BASE + 1003,
    name: "crabtool",
    description: "A fast, friendly command-line tool for searching and rewriting code, written in Rust.",
    language: "Rust",
    topics: ["rust", "cli", "search", "refactoring"],
    homepage: null,
    license: { key: "apache-2.0", name: "Apache License 2.0", spdx: "Apache-2.0" },
    stars: 2875,
    forks: 133,
    maintainers: [3],
    files: ["src/main.rs", "src/cli/args.rs", "src/config.rs", "src/walk/ignore.rs", "src/rewrite/apply.rs", "tests/cli.rs", "Cargo.toml"],
    areas: ["argument parser", "ignore rules", "rewriter", "config loader", "output colors"],
    titles: [
      { title: "Panic on non-UTF-8 file names in {file}", kind: "bug" },
      { title: "{area}: `--hidden` is ignored when a .ignore file exists", kind: "bug" },
      { title: "Add a `--dry-run` flag to the {area}", kind: "feature" },
      { title: "Shell completions for fish are missing", kind: "feature" },
      { title: "Explain the {area} in the README", kind: "docs" },
      { title: "Add an integration test for the {area} ({file})", kind: "test" },
      { title: "Replace `unwrap()` calls in {file} with proper errors", kind: "chore" },
    ],
  },
  {
    id: SAMPLE_ID_BASE + 1004,
    name: "relay-service",
    description: "A message relay service in Go: HTTP ingest, durable queues and at-least-once delivery.",
    language: "Go",
    topics: ["go", "microservice", "queue", "http", "observability"],
    homepage: null,
    license: { key: "mit", name: "MIT License", spdx: "MIT" },
    stars: 1560,
    forks: 98,
    maintainers: [4, 0],
    files: ["cmd/relay/main.go", "internal/queue/worker.go", "internal/http/handlers.go", "internal/store/postgres.go", "internal/metrics/metrics.go", "go.mod"],
    areas: ["worker pool", "HTTP handlers", "Postgres store", "metrics", "graceful shutdown"],
    titles: [
      { title: "Worker leaks a goroutine when the context is cancelled ({file})", kind: "bug" },
      { title: "{area}: return 413 instead of 500 for oversized bodies", kind: "bug" },
      { title: "Expose queue depth in the {area}", kind: "feature" },
      { title: "Document the retry policy of the {area}", kind: "docs" },
      { title: "Table-driven tests for {file}", kind: "test" },
      { title: "Upgrade to Go 1.23 and drop the old build tags", kind: "chore" },
    ],
  },
  {
    id: SAMPLE_ID_BASE + 1005,
    name: "handbook",
    description: "The community handbook: guides, tutorials and the contributor guide, built as a static docs site.",
    language: "MDX",
    topics: ["documentation", "docs-site", "community", "markdown"],
    homepage: null,
    license: { key: "cc-by-4.0", name: "Creative Commons Attribution 4.0 International", spdx: "CC-BY-4.0" },
    stars: 640,
    forks: 210,
    maintainers: [2, 4],
    files: ["docs/getting-started.md", "docs/contributing.md", "docs/guides/deploy.md", "src/components/Search.jsx", "docusaurus.config.js", "sidebars.js"],
    areas: ["getting started guide", "search box", "sidebar", "deploy guide", "contributor guide"],
    titles: [
      { title: "Broken link in {file}", kind: "docs" },
      { title: "Typo and outdated command in the {area}", kind: "docs" },
      { title: "{area}: add a section on running tests locally", kind: "docs" },
      { title: "Search box does not find headings with code in them", kind: "bug" },
      { title: "Dark mode: code blocks unreadable in the {area}", kind: "bug" },
      { title: "Translate the {area} into Spanish", kind: "docs" },
    ],
  },
];

/** Labels every sample repository has, as GitHub returns them. */
export const SAMPLE_LABELS: Record<string, { color: string; description: string; default: boolean }> = {
  bug: { color: "d73a4a", description: "Something isn't working", default: true },
  documentation: { color: "0075ca", description: "Improvements or additions to documentation", default: true },
  enhancement: { color: "a2eeef", description: "New feature or request", default: true },
  "good first issue": { color: "7057ff", description: "Good for newcomers", default: true },
  "help wanted": { color: "008672", description: "Extra attention is needed", default: true },
  "needs-triage": { color: "ededed", description: "Not yet looked at by a maintainer", default: false },
  tests: { color: "c5def5", description: "Test coverage and test tooling", default: false },
  chore: { color: "fef2c0", description: "Maintenance", default: false },
  performance: { color: "f9d0c4", description: "Speed and memory", default: false },
};

export const KIND_LABEL: Record<SampleRepository["titles"][number]["kind"], string> = {
  bug: "bug",
  feature: "enhancement",
  docs: "documentation",
  test: "tests",
  chore: "chore",
};
