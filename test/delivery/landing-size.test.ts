import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const script = path.join(root, "scripts/landing-size.mjs");

/** Runs the size script; a non-zero exit is a result here, not an error. */
async function measure(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** A build folder laid out as adapter-node writes one, with the given client files and landing HTML. */
function fakeBuild(html: string | undefined, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "landing-size-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, "client", name)), { recursive: true });
    writeFileSync(path.join(dir, "client", name), content);
  }
  mkdirSync(path.join(dir, "prerendered"), { recursive: true });
  if (html !== undefined) writeFileSync(path.join(dir, "prerendered", "index.html"), html);
  return dir;
}

// Random text compresses little, so sizes stay meaningful after gzip.
const filler = (bytes: number) => `/*${randomBytes(bytes).toString("base64")}*/`;
const gzipped = (text: string) => gzipSync(Buffer.from(text), { level: 9 }).length;

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [path.join(root, "scripts/build-web.mjs"), "--if-missing"], { cwd: root });
});

describe("npm run size:landing", () => {
  it("reports the built landing page's JavaScript weight within the 100 KB budget", async () => {
    const { code, stdout } = await measure();

    expect(code).toBe(0);
    expect(stdout).toContain("JavaScript on / (web/build/prerendered/index.html)");
    expect(stdout).toMatch(/^total .+; budget 100 KB gzip: within budget$/m);
  });

  it("counts the boot script, preloaded and loaded scripts and their static imports, but not lazy imports", async () => {
    const files = {
      "_app/immutable/entry/start.js": `import{a as b}from"../chunks/shared.js";${filler(3000)}`,
      "_app/immutable/chunks/shared.js": `export const a=1;${filler(5000)}`,
      "_app/immutable/chunks/preloaded.js": `import"./shared.js";export*from"./deep.js";${filler(2000)}`,
      "_app/immutable/chunks/deep.js": filler(1000),
      "_app/immutable/chunks/lazy.js": filler(50_000),
      "_app/immutable/entry/app.js": `const routes=[()=>import(\`../chunks/lazy.js\`)];${filler(1500)}`,
    };
    const inline = `Promise.all([import("./_app/immutable/entry/start.js")]);`;
    const html =
      `<!doctype html><html><head><link href="./_app/immutable/chunks/preloaded.js" rel="modulepreload">` +
      `<script type="module" src="/_app/immutable/entry/app.js"></script><script nonce="abc">${inline}</script>` +
      `<script type="application/json" data-sveltekit-fetched>{"data":"${filler(4000)}"}</script>` +
      `<script src="https://cdn.example.com/not-ours.js"></script></head><body></body></html>`;
    const dir = fakeBuild(html, files);
    const counted = ["entry/start.js", "chunks/shared.js", "chunks/preloaded.js", "chunks/deep.js", "entry/app.js"];
    const expectedGzip = counted.reduce((sum, name) => sum + gzipped(files[`_app/immutable/${name}` as keyof typeof files]), gzipped(inline));

    const { code, stdout } = await measure("--build-dir", dir, "--budget", "100");

    expect(code).toBe(0);
    for (const name of counted) expect(stdout).toContain(`/_app/immutable/${name}  `);
    expect(stdout).not.toContain("lazy.js");
    expect(stdout).not.toContain("not-ours.js");
    expect(stdout).toContain("(1 inline script)");
    expect(stdout).toMatch(new RegExp(`\\(${(expectedGzip / 1024).toFixed(1)} KB gzip\\) in 6 scripts; budget 100 KB gzip: within budget`));
  });

  it("fails, saying by how much, when the page is over its budget", async () => {
    const dir = fakeBuild(`<script type="module" src="/_app/big.js"></script>`, { "_app/big.js": filler(8000) });

    const { code, stdout } = await measure("--build-dir", dir, "--budget", "5");

    expect(code).toBe(1);
    expect(stdout).toMatch(/budget 5 KB gzip: OVER BUDGET by \d+\.\d KB$/m);
  });

  it("reports a page that loads no script as 0 B, within budget", async () => {
    const { code, stdout } = await measure("--build-dir", fakeBuild("<!doctype html><h1>Static</h1>", {}));

    expect(code).toBe(0);
    expect(stdout).toContain("none: the page loads no script");
    expect(stdout).toContain("total 0 B (0 B gzip) in 0 scripts");
  });

  it("fails with an explanation when the page was not prerendered or refers to a missing file", async () => {
    const notPrerendered = await measure("--build-dir", fakeBuild(undefined, {}));
    expect(notPrerendered.code).toBe(1);
    expect(notPrerendered.stderr).toContain("/ is not prerendered in this build");

    const missing = await measure("--build-dir", fakeBuild(`<link rel="modulepreload" href="/_app/gone.js">`, {}));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("/ references /_app/gone.js, which is not in");

    const badBudget = await measure("--budget", "lots");
    expect(badBudget.code).toBe(1);
    expect(badBudget.stderr).toContain('--budget must be a positive number of kilobytes, got "lots"');
  });
});
