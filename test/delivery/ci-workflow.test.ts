import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { TEST_RESULTS_DIR } from "../helpers/browser.js";

// GitHub Actions cannot run here, so this reads the workflow as GitHub would and checks what each
// job promises: the services, the environment, the steps in order, and when deploys happen.

const root = fileURLToPath(new URL("../..", import.meta.url));

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

interface Job {
  name?: string;
  "runs-on": string;
  needs?: string[];
  if?: string;
  services?: Record<string, { image: string; env?: Record<string, string>; ports?: string[]; options?: string }>;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
}

interface Workflow {
  on: { pull_request?: unknown; push?: { branches?: string[] } };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = parse(readFileSync(path.join(root, ".github/workflows/ci.yml"), "utf8")) as Workflow;
const packageJson = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  engines: { node: string };
  scripts: Record<string, string>;
};
const job = (name: string): Job => {
  const found = workflow.jobs[name];
  if (!found) throw new Error(`the workflow has no job "${name}"`);
  return found;
};
const stepIndex = (steps: Step[], matches: (step: Step) => boolean, what: string): number => {
  const index = steps.findIndex(matches);
  if (index < 0) throw new Error(`no step ${what}`);
  return index;
};
const runs = (command: string) => (step: Step) => step.run?.trim() === command;
const uses = (action: string) => (step: Step) => step.uses?.startsWith(`${action}@`) ?? false;

/**
 * Runs a step's script with bash as the runner does (`bash --noprofile --norc -eo pipefail`), and
 * returns what it printed and what it wrote to $GITHUB_OUTPUT.
 */
function runStep(step: Step, env: Record<string, string> = {}): { outputs: Record<string, string>; stdout: string } {
  const outputFile = path.join(mkdtempSync(path.join(tmpdir(), "ci-step-")), "output");
  const stdout = execFileSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run ?? ""], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", GITHUB_OUTPUT: outputFile, ...env },
    encoding: "utf8",
  });
  const outputs = Object.fromEntries(
    readFileSync(outputFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  return { outputs, stdout };
}

/** The defaults .ci/run exports, e.g. DATABASE_URL from `export DATABASE_URL="${DATABASE_URL:-…}"`. */
function ciRunDefault(name: string): string | undefined {
  const script = readFileSync(path.join(root, ".ci/run"), "utf8");
  return new RegExp(`export ${name}="\\$\\{${name}:-([^}]+)\\}"`).exec(script)?.[1];
}

/** Every `${{ … }}` expression in a value, however deeply nested. */
function expressionsIn(value: unknown): string[] {
  if (typeof value === "string") return [...value.matchAll(/\$\{\{(.*?)\}\}/g)].map((match) => match[1]!.trim());
  if (Array.isArray(value)) return value.flatMap(expressionsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(expressionsIn);
  return [];
}

describe("the CI workflow", () => {
  it("runs on every pull request and on pushes to main, with read-only repository access", () => {
    expect(workflow.on).toHaveProperty("pull_request");
    expect(workflow.on.push?.branches).toEqual(["main"]);
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(Object.keys(workflow.jobs).sort()).toEqual(["deploy", "docker", "railway-token", "test"]);
  });

  it("tests against PostgreSQL 15 and Redis 7 containers that must be healthy first", () => {
    const { postgres, redis } = job("test").services ?? {};

    expect(postgres?.image).toMatch(/^postgres:15(\.|-|$)/);
    expect(postgres?.ports).toContain("5432:5432");
    expect(postgres?.options).toMatch(/--health-cmd "pg_isready[^"]*"/);
    expect(postgres?.env).toMatchObject({ POSTGRES_USER: "postgres", POSTGRES_DB: "test" });
    expect(redis?.image).toMatch(/^redis:7(\.|-|$)/);
    expect(redis?.ports).toContain("6379:6379");
    expect(redis?.options).toMatch(/--health-cmd "redis-cli ping"/);
    for (const service of [postgres, redis]) expect(service?.options).toMatch(/--health-retries \d+/);
  });

  it("gives the tests the same DATABASE_URL and REDIS_URL as .ci/run, pointing at those containers", () => {
    const env = job("test").env ?? {};

    expect(env.DATABASE_URL).toBe(ciRunDefault("DATABASE_URL"));
    expect(env.REDIS_URL).toBe(ciRunDefault("REDIS_URL"));
    expect(new URL(env.DATABASE_URL!).port).toBe("5432");
    expect(new URL(env.DATABASE_URL!).pathname).toBe(`/${job("test").services?.postgres?.env?.POSTGRES_DB}`);
    expect(new URL(env.REDIS_URL!).port).toBe("6379");
  });

  it("installs, typechecks, lints, tests, builds and checks the landing page budget, in that order", () => {
    const { steps } = job("test");
    const order = [
      stepIndex(steps, uses("actions/checkout"), "checking out"),
      stepIndex(steps, (step) => step.id === "node", "reading the Node.js version"),
      stepIndex(steps, uses("actions/setup-node"), "setting up Node.js"),
      stepIndex(steps, uses("browser-actions/setup-chrome"), "installing Chromium"),
      stepIndex(steps, runs("npm ci --no-audit --no-fund"), "running npm ci"),
      stepIndex(steps, runs("npm run typecheck"), "typechecking"),
      stepIndex(steps, runs("npm run lint"), "linting"),
      stepIndex(steps, runs("npm test"), "testing"),
      stepIndex(steps, runs("npm run build"), "building"),
      stepIndex(steps, runs("npm run size:landing"), "checking the landing page budget"),
    ];

    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const script of ["typecheck", "lint", "test", "build", "size:landing"]) expect(packageJson.scripts).toHaveProperty(script);
  });

  it("uses the Node.js version package.json's engines field names, and caches npm", () => {
    const { steps } = job("test");
    const readVersion = steps[stepIndex(steps, (step) => step.id === "node", "reading the Node.js version")]!;
    const setupNode = steps[stepIndex(steps, uses("actions/setup-node"), "setting up Node.js")]!;

    expect(readVersion.run).toContain("engines.node");
    expect(runStep(readVersion).outputs.version).toBe(/\d+(?:\.\d+){0,2}/.exec(packageJson.engines.node)?.[0]);
    expect(setupNode.with).toEqual({ "node-version": "${{ steps.node.outputs.version }}", cache: "npm" });
    // The image runs the same major version the tests ran on.
    const dockerfile = readFileSync(path.join(root, "Dockerfile"), "utf8");
    const major = runStep(readVersion).outputs.version!.split(".")[0];
    for (const from of dockerfile.matchAll(/^FROM node:(\d+)/gm)) expect(from[1]).toBe(major);
  });

  it("points the browser suite at the Chromium it installed, and uploads screenshots when something fails", () => {
    const { steps } = job("test");
    const chromium = steps[stepIndex(steps, uses("browser-actions/setup-chrome"), "installing Chromium")]!;
    const tests = steps[stepIndex(steps, runs("npm test"), "testing")]!;
    const upload = steps[stepIndex(steps, uses("actions/upload-artifact"), "uploading artefacts")]!;

    expect(chromium.id).toBeTruthy();
    expect(tests.env?.CHROMIUM_PATH).toBe(`\${{ steps.${chromium.id}.outputs.chrome-path }}`);
    expect(upload.if).toBe("failure()");
    expect(path.resolve(root, String(upload.with?.path))).toBe(path.resolve(TEST_RESULTS_DIR));
  });

  it("builds the Dockerfile without pushing it, then starts the image and asks it for its health", () => {
    const { steps } = job("docker");
    const build = steps[stepIndex(steps, uses("docker/build-push-action"), "building the image")]!;
    const smoke = steps.find((step) => step.run?.includes("docker run"));

    expect(build.with).toMatchObject({ context: ".", push: false });
    expect(readFileSync(path.join(root, "Dockerfile"), "utf8")).toMatch(/^FROM /m);
    expect(smoke?.run).toContain(`${build.with?.tags}`);
    expect(smoke?.run).toContain("/api/health");
  });

  it("deploys only pushes to main, only after the tests and the image build passed", () => {
    const deploy = job("deploy");

    expect(deploy.needs).toEqual(expect.arrayContaining(["test", "docker", "railway-token"]));
    expect(deploy.if).toContain("github.event_name == 'push'");
    expect(deploy.if).toContain("github.ref == 'refs/heads/main'");
    expect(deploy.if).toContain("needs.railway-token.outputs.present == 'true'");
    // No always() or failure(): GitHub then adds success(), so a failed test skips the deploy.
    expect(deploy.if).not.toMatch(/always\(\)|failure\(\)|cancelled\(\)/);
    expect(job("railway-token").if).toBe(deploy.if?.split(" && needs.")[0]);
  });

  it("skips the deploy without RAILWAY_TOKEN, checking the secret in a step since a job's if cannot read secrets", () => {
    const gate = job("railway-token");
    const check = gate.steps.find((step) => step.id === "check")!;

    for (const [name, entry] of Object.entries(workflow.jobs)) {
      expect(entry.if ?? "", `jobs.${name}.if`).not.toMatch(/secrets\./);
    }
    expect(check.env).toEqual({ RAILWAY_TOKEN: "${{ secrets.RAILWAY_TOKEN }}" });
    expect(gate.outputs).toEqual({ present: "${{ steps.check.outputs.present }}" });

    expect(runStep(check, { RAILWAY_TOKEN: "project-token" }).outputs).toEqual({ present: "true" });
    const missing = runStep(check, { RAILWAY_TOKEN: "" });
    expect(missing.outputs).toEqual({ present: "false" });
    expect(missing.stdout).toContain("::notice::RAILWAY_TOKEN is not set");
  });

  it("deploys the web and worker services from this checkout with the Railway CLI and the token", () => {
    const deploy = job("deploy");
    const commands = deploy.steps.flatMap((step) => (step.run ? [step.run.trim()] : []));

    expect(deploy.env?.RAILWAY_TOKEN).toBe("${{ secrets.RAILWAY_TOKEN }}");
    expect(deploy.env?.RAILWAY_CLI_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(commands).toContain('npm install --global "@railway/cli@${RAILWAY_CLI_VERSION}"');
    expect(commands).toContain('railway up --ci --service "$RAILWAY_WEB_SERVICE"');
    expect(commands).toContain('railway up --ci --service "$RAILWAY_WORKER_SERVICE"');
    expect(deploy.steps.some(uses("actions/checkout"))).toBe(true);
  });

  it("pins every action to a version and refers only to steps, jobs and contexts that exist", () => {
    const contexts = new Set(["github", "steps", "needs", "secrets", "vars", "env", "runner", "job", "matrix", "inputs"]);

    for (const [name, entry] of Object.entries(workflow.jobs)) {
      const stepIds = new Set(entry.steps.flatMap((step) => (step.id ? [step.id] : [])));
      for (const step of entry.steps) {
        if (step.uses) expect(step.uses, `a step of ${name}`).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
        expect(step.run ?? "", `secrets go through env, not into scripts (${name})`).not.toMatch(/secrets\./);
      }
      for (const expression of expressionsIn(entry)) {
        const withoutStrings = expression.replace(/'[^']*'/g, "''");
        for (const reference of withoutStrings.match(/[a-z_][\w-]*(?:\.[\w-]+)+/gi) ?? []) {
          const [context, id] = reference.split(".");
          expect(contexts.has(context!), `${reference} in jobs.${name}`).toBe(true);
          if (context === "steps") expect(stepIds.has(id!), `${reference} in jobs.${name}`).toBe(true);
          if (context === "needs") expect(entry.needs, `${reference} in jobs.${name}`).toContain(id);
        }
      }
    }
  });
});
