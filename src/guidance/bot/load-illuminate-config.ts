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
