import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import pg from "pg";
import { benchDatabaseUrls } from "./bench-matching-seed.js";

// What the HTTP benchmarks (bench:webhooks, bench:load) share around the server they measure: a
// database of their own, GitHub answered on loopback, and no keys left behind in a shared Redis.

/** A database of its own on the given (local) server, dropped afterwards. */
export async function throwawayDatabase(serverUrl: string, label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `illuminate_bench_${label}_${randomBytes(4).toString("hex")}`;
  const urls = benchDatabaseUrls(serverUrl, name);
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: urls.admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  return { url: urls.bench, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * GitHub, for whatever the domains' handlers ask of it during a run (installation tokens; anything
 * else is unknown): answered at once on 127.0.0.1, so nothing leaves the machine and nothing waits.
 */
export async function startGithubStub(): Promise<{ host: string; close(): void }> {
  const server = createServer((req, res) => {
    req.resume();
    const token = req.method === "POST" && /\/app\/installations\/\d+\/access_tokens$/.test(req.url ?? "");
    res.writeHead(token ? 201 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(token ? { token: "ghs_bench", expires_at: "2099-01-01T00:00:00Z" } : { message: "Not Found" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** The run's BullMQ keys (its own prefix), so a bench leaves nothing in a shared Redis. */
export async function removeQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
