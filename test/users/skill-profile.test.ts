import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { UserSkill } from "../../src/users/index.js";
import { fixtureRepos } from "../fixtures/repos/fixture-github.js";
import { waitFor } from "../helpers/test-app.js";
import { serveFixtureGithub, signIn, startUsersApp, type SignedIn, type UsersTestApp } from "./users-test-kit.js";

let app: UsersTestApp;

beforeAll(async () => {
  app = await startUsersApp();
});

afterAll(async () => {
  await app?.close();
});

beforeEach(() => {
  serveFixtureGithub(app);
});

async function analysedSkills(who: SignedIn, query = ""): Promise<UserSkill[]> {
  await waitFor(async () => {
    const row = await app.db.knex("users").where({ id: who.userId }).first("profile_status", "onboarding_state");
    return row?.profile_status === "done" && row.onboarding_state !== "signed_in";
  }, 20_000, "profile analysed");
  const response = await app.request(`/api/users/me/skills${query}`, { jar: who.jar });
  expect(response.status).toBe(200);
  return ((await response.json()) as { skills: UserSkill[] }).skills;
}

const find = (skills: UserSkill[], slug: string) => skills.find((s) => s.skill === slug);
const evidenceFrom = (skill: UserSkill | undefined, repo: string) => skill?.evidence.find((e) => e.repo === repo);

describe("the skill profile built from a person's repositories", () => {
  let mona: UserSkill[];
  let hubot: UserSkill[];

  beforeAll(async () => {
    serveFixtureGithub(app);
    const [a, b] = [await signIn(app, "mona"), await signIn(app, "hubot")];
    mona = await analysedSkills(a);
    hubot = await analysedSkills(b);
  });

  it("TypeScript/Svelte monorepo: TypeScript and Svelte, SvelteKit from a workspace package, Express from another, with the files as evidence", () => {
    expect(find(mona, "typescript")).toMatchObject({ kind: "language", label: "TypeScript" });
    expect(find(mona, "typescript")!.level).toBeGreaterThan(0.5);
    expect(find(mona, "svelte")).toMatchObject({ kind: "framework", label: "Svelte" });
    expect(evidenceFrom(find(mona, "sveltekit"), "mona/lumen")).toMatchObject({ files: ["apps/web/package.json"], packages: ["@sveltejs/kit"] });
    expect(evidenceFrom(find(mona, "express"), "mona/lumen")).toMatchObject({ files: ["packages/api/package.json"], packages: ["express"] });
    expect(evidenceFrom(find(mona, "vitest"), "mona/lumen")!.files).toEqual(["apps/web/package.json", "packages/api/package.json"]);
    for (const tool of ["tailwind", "vite", "playwright", "postgresql", "turborepo", "docker", "github-actions"]) expect(find(mona, tool), tool).toBeDefined();
    expect(evidenceFrom(find(mona, "web"), "mona/lumen")!.topics).toEqual(["web"]);
  });

  it("Go CLI: Go, Cobra and Viper from go.mod, and the command-line domain from its topics", () => {
    expect(evidenceFrom(find(mona, "go"), "mona/tidy")).toMatchObject({ share: expect.any(Number) });
    expect(evidenceFrom(find(mona, "cobra"), "mona/tidy")).toMatchObject({ files: ["go.mod"], packages: ["github.com/spf13/cobra"] });
    expect(find(mona, "viper")).toBeDefined();
    expect(find(mona, "testify")).toBeDefined();
    expect(evidenceFrom(find(mona, "cli"), "mona/tidy")!.topics).toContain("cli");
  });

  it("Rust crate: Rust and Serde from Cargo.toml, Criterion as a dev tool, and parsing as its domain", () => {
    expect(evidenceFrom(find(mona, "rust"), "mona/tomlet")).toMatchObject({ share: 1 });
    expect(evidenceFrom(find(mona, "serde"), "mona/tomlet")).toMatchObject({ files: ["Cargo.toml"] });
    expect(find(mona, "criterion")!.level).toBeLessThan(find(mona, "serde")!.level);
    expect(find(mona, "parsing")).toBeDefined();
  });

  it("ignores forks and counts repositories contributed to by their languages only, at half weight", () => {
    expect(find(mona, "c")).toBeUndefined();
    expect(mona.some((s) => s.evidence.some((e) => e.repo === "mona/linux"))).toBe(false);
    expect(evidenceFrom(find(mona, "javascript"), "sveltejs/svelte")).toMatchObject({ contributed: true });
    // From someone else's repository only its code counts: no manifests, no files, no topics.
    const fromSvelte = mona.flatMap((s) => s.evidence.filter((e) => e.repo === "sveltejs/svelte"));
    expect(fromSvelte.length).toBeGreaterThan(0);
    for (const evidence of fromSvelte) expect(Object.keys(evidence).sort()).toEqual(["bytes", "contributed", "repo", "share"]);
  });

  it("Python/Django app: Python, Django, Django REST framework, Celery and pytest from the requirements files", () => {
    expect(find(hubot, "python")!.level).toBeGreaterThan(0.5);
    expect(evidenceFrom(find(hubot, "django"), "hubot/pantry")).toMatchObject({ files: ["requirements.txt"], packages: ["Django"] });
    expect(find(hubot, "django-rest-framework")).toBeDefined();
    expect(find(hubot, "celery")).toBeDefined();
    expect(evidenceFrom(find(hubot, "pytest"), "hubot/pantry")).toMatchObject({ files: ["requirements-dev.txt"] });
    expect(find(hubot, "pytest")!.level).toBeLessThan(find(hubot, "django")!.level);
  });

  it("Java/Maven service: Java, Spring Boot, JPA, PostgreSQL and JUnit from pom.xml", () => {
    expect(find(hubot, "java")).toBeDefined();
    expect(evidenceFrom(find(hubot, "spring-boot"), "hubot/orders-service")).toMatchObject({ files: ["pom.xml"] });
    for (const slug of ["hibernate", "postgresql", "junit", "lombok", "maven", "docker"]) expect(evidenceFrom(find(hubot, slug), "hubot/orders-service"), slug).toBeDefined();
  });

  it("Ruby gem: Ruby, Thor from the gemspec, RSpec as a dev tool, RuboCop from the Gemfile's development group", () => {
    expect(find(hubot, "ruby")).toBeDefined();
    expect(evidenceFrom(find(hubot, "thor"), "hubot/changelog_rb")).toMatchObject({ files: ["changelog_rb.gemspec"] });
    expect(evidenceFrom(find(hubot, "rspec"), "hubot/changelog_rb")).toMatchObject({ files: ["changelog_rb.gemspec"] });
    expect(evidenceFrom(find(hubot, "rubocop"), "hubot/changelog_rb")).toMatchObject({ files: ["Gemfile"] });
    expect(evidenceFrom(find(hubot, "cli"), "hubot/changelog_rb")).toBeDefined();
  });

  it("names only what a person built: no TypeScript for the Python/Java/Ruby developer, no Django for the TypeScript one", () => {
    expect(find(hubot, "typescript")).toBeUndefined();
    expect(find(hubot, "svelte")).toBeUndefined();
    expect(find(mona, "django")).toBeUndefined();
    expect(find(mona, "spring-boot")).toBeUndefined();
    for (const skill of [...mona, ...hubot]) {
      expect(skill.level).toBeGreaterThan(0);
      expect(skill.level).toBeLessThanOrEqual(1);
      expect(skill.evidence.length).toBeGreaterThan(0);
    }
  });

  it("moves onboarding to profile_analyzed once the analysis is stored", async () => {
    const row = await app.db.knex("users").where({ login: "mona" }).first("onboarding_state", "profile_analyzed_at");
    expect(row.onboarding_state).toBe("profile_analyzed");
    expect(row.profile_analyzed_at).toBeInstanceOf(Date);
  });
});

describe("bad manifests and huge repositories", () => {
  it("skips invalid JSON, TOML and XML manifests and reads 10,000 dependencies without trouble", async () => {
    const lumen = fixtureRepos.get("mona/lumen")!;
    const huge = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`dep-${i}`, "^1.0.0"]));
    const broken = {
      repo: { ...lumen.repo, full_name: "mona/lumen", topics: [] },
      languages: { TypeScript: 1000 },
      files: new Map<string, Buffer>([
        ["package.json", Buffer.from(JSON.stringify({ dependencies: { react: "^18.3.0", ...huge } }))],
        ["packages/a/package.json", Buffer.from("{ this is not json")],
        ["crates/b/Cargo.toml", Buffer.from("[dependencies\nserde = ")],
        ["services/c/pom.xml", Buffer.from("<project><dependencies><dependency></project>")],
        ["pyproject.toml", Buffer.from('[project]\ndependencies = ["fastapi>=0.110"]\n')],
      ]),
      extraPaths: [],
    };
    nock.cleanAll();
    serveFixtureGithub(app, { repos: new Map([["mona/lumen", broken]]) });
    const who = await signIn(app, "mona");
    await app.db.knex("users").where({ id: who.userId }).update({ profile_status: "pending" });
    app.clock.advance(120_000);
    expect((await app.request("/api/users/me/refresh-profile", { jar: who.jar, method: "POST", csrf: true })).status).toBe(202);
    const skills = await analysedSkills(who);
    expect(evidenceFrom(find(skills, "react"), "mona/lumen")).toMatchObject({ files: ["package.json"] });
    expect(find(skills, "fastapi")).toBeDefined();
    expect(find(skills, "serde")).toBeUndefined();
  });
});

describe("the user's corrections", () => {
  it("hidden skills stay hidden and hand-set levels stay after a new analysis; manual skills can be added and removed", async () => {
    const who = await signIn(app, "hubot");
    const skills = await analysedSkills(who);
    expect(find(skills, "django")).toBeDefined();
    const hide = await app.request("/api/users/me/skills/celery", { jar: who.jar, method: "PATCH", csrf: true, body: JSON.stringify({ hidden: true }) });
    expect(hide.status).toBe(200);
    const set = await app.request("/api/users/me/skills/django", { jar: who.jar, method: "PATCH", csrf: true, body: JSON.stringify({ level: 0.95, comfort: 5 }) });
    expect(((await set.json()) as { skill: UserSkill }).skill).toMatchObject({ level: 0.95, source: "manual", comfort: 5 });
    const added = await app.request("/api/users/me/skills", { jar: who.jar, method: "POST", csrf: true, body: JSON.stringify({ skill: "Elixir", kind: "language", level: 0.3 }) });
    expect(added.status).toBe(201);

    await app.db.knex("users").where({ id: who.userId }).update({ profile_status: "pending" });
    app.clock.advance(120_000);
    await app.request("/api/users/me/refresh-profile", { jar: who.jar, method: "POST", csrf: true });
    const after = await analysedSkills(who);
    expect(find(after, "celery")).toBeUndefined();
    expect(find(after, "django")).toMatchObject({ level: 0.95, source: "manual" });
    expect(find(after, "django")!.evidence.length).toBeGreaterThan(0);
    expect(find(after, "elixir")).toMatchObject({ source: "manual", level: 0.3 });
    const withHidden = await analysedSkills(who, "?includeHidden=true");
    expect(find(withHidden, "celery")).toMatchObject({ hidden: true });

    expect((await app.request("/api/users/me/skills/elixir", { jar: who.jar, method: "DELETE", csrf: true })).status).toBe(204);
    expect(find(await analysedSkills(who), "elixir")).toBeUndefined();
  });

  it("answers bad skill edits with a clear 400 or 404", async () => {
    const who = await signIn(app, "mona");
    const bad = await app.request("/api/users/me/skills/typescript", { jar: who.jar, method: "PATCH", csrf: true, body: JSON.stringify({ level: 3, colour: "red" }) });
    expect(bad.status).toBe(400);
    const message = ((await bad.json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(/colour/);
    expect(message).toMatch(/level/);
    const missing = await app.request("/api/users/me/skills/cobol", { jar: who.jar, method: "PATCH", csrf: true, body: JSON.stringify({ hidden: true }) });
    expect(missing.status).toBe(404);
    const invalidName = await app.request(`/api/users/me/skills/${encodeURIComponent("<script>")}`, { jar: who.jar, method: "DELETE", csrf: true });
    expect(invalidName.status).toBe(400);
  });
});
