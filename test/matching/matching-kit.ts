import { randomInt } from "node:crypto";
import type { Db } from "../../src/db/types.js";
import { refreshIssueSkills } from "../../src/matching/skills/refresh-issue-skills.js";
import { signAccessToken } from "../../src/users/session/access-token.js";
import { csrfTokenFor, CSRF_HEADER } from "../../src/users/session/csrf.js";
import { createSessionFamily } from "../../src/users/session/refresh-tokens.js";
import { cookieNames } from "../../src/users/session/session-cookies.js";
import { deriveSessionKeys } from "../../src/users/session/session-keys.js";
import type { Queue } from "../../src/queue/types.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * The app's clock in these tests. It starts at the real time because rows get their created_at
 * from the database's clock, and the feed only ranks what was indexed by its `asOf`.
 */
export const clock = {
  offsetMs: 0,
  get now() {
    return new Date(Date.now() + this.offsetMs);
  },
};
export const daysAgo = (days: number) => new Date(clock.now.getTime() - days * 86_400_000);

/** The whole app on the test clock. */
export async function startMatchingApp(db: Db, queue: Queue): Promise<TestApp> {
  return startTestApp({ db, queue, deps: { now: () => clock.now } });
}

let nextId = randomInt(1_000, 100_000) * 1_000;
const newId = () => ++nextId;

export interface RepoOptions {
  fullName: string;
  languages: Record<string, number>;
  topics?: string[];
  archived?: boolean;
  health?: number;
  medianResponseHours?: number;
}

/** A repository as the index stores it, with a health snapshot. */
export async function seedRepo(db: Db, options: RepoOptions): Promise<number> {
  const id = newId();
  const [owner, name] = options.fullName.split("/") as [string, string];
  await db.knex("repositories").insert({
    id,
    owner,
    name,
    full_name: options.fullName,
    languages: JSON.stringify(options.languages),
    language: Object.keys(options.languages)[0] ?? null,
    topics: options.topics ?? [],
    is_archived: options.archived ?? false,
    tracked_via: "crawler",
  });
  await db.knex("repo_health_snapshots").insert({
    repository_id: id,
    score: options.health ?? 0.7,
    components: JSON.stringify({ medianResponseHours: options.medianResponseHours ?? 20 }),
    computed_at: daysAgo(1),
  });
  return id;
}

export interface IssueOptions {
  title: string;
  body?: string;
  labels?: string[];
  updatedAt?: Date;
  comments?: number;
  state?: "open" | "closed";
  locked?: boolean;
  assignees?: string[];
}

/** An issue as the index stores it; its skills are derived the way the matching domain does. */
export async function seedIssue(db: Db, repositoryId: number, options: IssueOptions): Promise<number> {
  const id = newId();
  const updatedAt = options.updatedAt ?? daysAgo(2);
  await db.knex("issues").insert({
    id,
    repository_id: repositoryId,
    number: id % 100_000,
    title: options.title,
    body: options.body ?? "",
    labels: options.labels ?? [],
    state: options.state ?? "open",
    is_locked: options.locked ?? false,
    assignees: options.assignees ?? [],
    comments_count: options.comments ?? 0,
    github_created_at: new Date(updatedAt.getTime() - 86_400_000),
    github_updated_at: updatedAt,
  });
  await refreshIssueSkills(db.knex, [id]);
  return id;
}

export async function seedSignal(db: Db, issueId: number, kind: "assignee" | "claim" | "linked_pr", actor = "someone"): Promise<void> {
  await db.knex("issue_signals").insert({
    issue_id: issueId,
    kind,
    source_key: `${kind}-${actor}`,
    actor_login: actor,
    comment_id: kind === "claim" ? newId() : null,
    pr_number: kind === "linked_pr" ? 77 : null,
  });
}

export interface Reader {
  userId: number;
  login: string;
  headers: Record<string, string>;
}

/** A signed-in user with a real session, as sign-in makes one. */
export async function signIn(app: TestApp, db: Db, now = clock.now): Promise<Reader> {
  const id = randomInt(10_000_000, 2_000_000_000);
  const login = `contributor${id}`;
  await db.knex.raw(`insert into users (id, github_id, login) overriding system value values (?, ?, ?)`, [id, id, login]);
  await db.knex("user_preferences").insert({ user_id: id });
  const { familyId } = await createSessionFamily(db.knex, id, {}, now);
  const config = app.illuminate.config;
  const keys = deriveSessionKeys(config.sessionSecret);
  const token = await signAccessToken(keys.accessToken, config.publicUrl, { userId: id, login, sessionId: familyId }, now);
  return {
    userId: id,
    login,
    headers: { cookie: `${cookieNames(false).access}=${token}`, [CSRF_HEADER]: csrfTokenFor(keys.csrf, familyId), "content-type": "application/json" },
  };
}

/** What the skill-profile analysis and the onboarding wizard would have stored for this user. */
export async function setProfile(
  db: Db,
  userId: number,
  profile: { skills?: Record<string, number>; learn?: string[]; comfort?: "first_contribution" | "beginner" | "intermediate" | "experienced"; workKinds?: string[] },
): Promise<void> {
  await db.knex("user_skills").where({ user_id: userId }).delete();
  for (const [skill, level] of Object.entries(profile.skills ?? {})) {
    const kind = ["svelte", "react", "vue", "django"].includes(skill) ? "framework" : "language";
    await db.knex("user_skills").insert({ user_id: userId, skill, kind, weight: level });
  }
  await db.knex("user_preferences").where({ user_id: userId }).update({
    learning_goals: profile.learn ?? [],
    comfort_level: profile.comfort ?? null,
    work_kinds: profile.workKinds ?? [],
  });
}

export async function getJson<T = Record<string, unknown>>(app: TestApp, path: string, reader?: Reader): Promise<{ status: number; body: T }> {
  const response = await fetch(`${app.baseUrl}${path}`, { headers: reader?.headers ?? {} });
  return { status: response.status, body: (await response.json()) as T };
}

export async function sendJson<T = Record<string, unknown>>(app: TestApp, method: string, path: string, reader: Reader, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${app.baseUrl}${path}`, { method, headers: reader.headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}
