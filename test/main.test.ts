import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startProcess(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { PATH: process.env.PATH!, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "warn", DATA_DIR: mkdtempSync(join(tmpdir(), "illuminate-main-")), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const started = Date.now();
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`process exited early: ${stderr}`);
    if (Date.now() - started > 60_000) throw new Error("no health within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, child, exited, stderr: () => stderr };
}

// Uses the real servers when the environment names them, the embedded defaults otherwise.
const services = { ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}), ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}) };

// Each test boots a whole process on a fresh embedded database; give a loaded CI machine room.
describe("the process", { timeout: 120_000 }, () => {
  it("serves health and the dashboard on one port, and exits 0 on SIGTERM", async () => {
    const { port, child, exited } = await startProcess(services);
    const health = await (await fetch(`http://127.0.0.1:${port}/api/health`)).json();
    expect(health.status).toBe("ok");
    const home = await fetch(`http://127.0.0.1:${port}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Illuminate");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("ROLE=worker answers only its health check and closes gracefully on SIGTERM", async () => {
    const { port, child, exited } = await startProcess({ ...services, ROLE: "worker" });
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(404);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
