import type { ProbotOctokit } from "probot";
import { parse } from "yaml";
import { z } from "zod";
import { encodePath } from "../repository-reader.js";

export const CONFIG_PATH = ".github/illuminate.yml";

const configSchema = z
  .object({
    enabled: z.boolean().default(true),
    labels: z.array(z.string().trim().min(1).max(50)).max(20).default(["good first issue", "help wanted"]),
    commentTemplate: z.string().trim().min(1).max(4_000).optional(),
    mentionAvailability: z.boolean().default(true),
  })
  .strict();

export type IlluminateConfig = z.infer<typeof configSchema>;

export const DEFAULT_CONFIG: IlluminateConfig = configSchema.parse({});

export type ConfigResult = { ok: true; config: IlluminateConfig; source: string | null } | { ok: false; source: string; problem: string };

async function readFile(octokit: ProbotOctokit, owner: string, repo: string): Promise<string | null> {
  try {
    const { data } = await octokit.request(`GET /repos/{owner}/{repo}/contents/${encodePath(CONFIG_PATH)}`, { owner, repo });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return null;
    return Buffer.from(data.content, "base64").toString("utf8");
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}

/**
 * Probot's config convention: `.github/illuminate.yml` in the repository, else in the owner's
 * `.github` repository, else the defaults. A file that does not parse is reported, not guessed at.
 */
export async function loadIlluminateConfig(octokit: ProbotOctokit, owner: string, repo: string): Promise<ConfigResult> {
  let source = `${owner}/${repo}`;
  let text = await readFile(octokit, owner, repo);
  if (text === null && repo !== ".github") {
    source = `${owner}/.github`;
    text = await readFile(octokit, owner, ".github");
  }
  if (text === null) return { ok: true, config: DEFAULT_CONFIG, source: null };
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    return { ok: false, source, problem: `${CONFIG_PATH} is not valid YAML: ${(error as Error).message.split("\n")[0]}` };
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, source, problem: parsed.error.issues.map((i) => `${i.path.join(".") || "file"}: ${i.message}`).join("; ") };
  }
  return { ok: true, config: parsed.data, source };
}

export interface IlluminateConfigCache {
  /** the repository's config, read from GitHub at most once per `ttlMs` (a failed read is not kept) */
  load(octokit: ProbotOctokit, owner: string, repo: string): Promise<ConfigResult>;
  /** a push changed the config: of one repository, or, for the owner's `.github`, of all theirs */
  forget(owner: string, repo: string): void;
}

/**
 * Every `issues.labeled` delivery may need the config (is this label one the bot answers?), and
 * labels come in bursts: a triage session, a bulk edit. Read once per repository for `ttlMs`
 * (default 5 minutes) instead of once per label; a push to the default branch that touches the
 * file forgets it at once in the worker that handles the push, and the TTL bounds it elsewhere.
 */
export function createIlluminateConfigCache(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): IlluminateConfigCache {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const maxEntries = options.maxEntries ?? 5_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { result: ConfigResult; at: number }>();
  const keyOf = (owner: string, repo: string) => `${owner}/${repo}`.toLowerCase();
  return {
    async load(octokit, owner, repo) {
      const key = keyOf(owner, repo);
      const cached = entries.get(key);
      if (cached && now() - cached.at < ttlMs) return cached.result;
      const result = await loadIlluminateConfig(octokit, owner, repo);
      entries.delete(key);
      entries.set(key, { result, at: now() });
      // The oldest entry goes first (a Map keeps insertion order).
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return result;
    },
    forget(owner, repo) {
      if (repo.toLowerCase() !== ".github") return void entries.delete(keyOf(owner, repo));
      const prefix = `${owner.toLowerCase()}/`;
      for (const key of [...entries.keys()]) if (key.startsWith(prefix)) entries.delete(key);
    },
  };
}
